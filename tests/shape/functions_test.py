#!/usr/bin/env python3
"""functions.py finds each function and counts its body as clang-tidy does (closing line
less opening line), whatever braces its comments, literals and initialisers hold."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from functions import function_lengths  # noqa: E402


def body(lines):
    return "\n".join(f"  x += {i};" for i in range(lines - 1))


class FunctionLengths(unittest.TestCase):
    def test_a_function_body_is_counted_from_brace_to_brace(self):
        text = "#include <x>\nnamespace a {\nint F(int x) {\n" + body(81) + "\n}\n}  // namespace a\n"
        self.assertEqual(function_lengths(text), [("F", 3, 81)])

    def test_braces_in_comments_and_literals_do_not_count(self):
        text = ('void G() {\n  const char* s = "}}}";  // }\n  char c = \'}\';\n'
                '  /* { */ auto r = R"x(})x";\n  int n = 1\'000;\n}\nvoid H() {\n}\n')
        self.assertEqual(function_lengths(text), [("G", 1, 5), ("H", 7, 1)])

    def test_nested_lambdas_and_blocks_belong_to_their_function(self):
        text = "void F() {\n  auto f = [] {\n    if (x) {\n    }\n  };\n}\n"
        self.assertEqual(function_lengths(text), [("F", 1, 5)])

    def test_classes_constructors_and_namespace_lambdas(self):
        text = ("struct S : Base {\n  S(int b) : a_(1), b_{b} {\n    go();\n  }\n"
                "  int a_{0};\n  int F() const {\n    return 1;\n  }\n};\n"
                "const auto kTable = [] {\n  return 1;\n}();\n"
                "enum class E : int {\n  kA,\n};\n"
                "S::S() : a_{} {}\nnamespace b {\nvoid G() {\n}\n}  // namespace b\n"
                "constexpr int kList[] = {\n  1,\n};\n")
        self.assertEqual(function_lengths(text),
                         [("S", 2, 2), ("F", 6, 2), ("(lambda)", 10, 2), ("G", 18, 1)])

    def test_braces_inside_headers_and_linkage(self):
        text = ("struct T {\n  T(int b)\n      : table_{\n            1,\n        },\n"
                "        b_{b} {\n" + body(85) + "\n  }\n};\n"
                "void F(Opts o = {}, int n = T{}.x) {\n" + body(82) + "\n}\n"
                'extern "C" void OnSignal(int) {\n  if (x) {\n  }\n}\n'
                'extern "C" {\nvoid G() {\n}\n}\n')
        self.assertEqual(function_lengths(text),
                         [("T", 6, 85), ("F", 93, 82), ("OnSignal", 176, 3), ("G", 181, 1)])

    def test_multi_line_headers_and_templates(self):
        text = ("template <class T>\nvoid Long(int a,\n          int b) const {\n" + body(90)
                + "\n}\n")
        self.assertEqual(function_lengths(text), [("Long", 3, 90)])


if __name__ == "__main__":
    unittest.main()
