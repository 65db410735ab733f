"""The length of every function body in a clang-formatted C++ file, found by its braces.

The product's code is clang-formatted (CI checks it), so a function's body opens with a
`{` at namespace or class scope after a header that holds a parameter list (or a lambda's
`[]` at namespace scope), and everything up to its matching `}` is the function's: nested
lambdas and blocks count towards it, as clang-tidy's readability-function-size counts
them. Comments, string and character literals (raw strings too) are blanked first, so
braces inside them do not count. Lines are counted as clang-tidy counts them: the body's
closing line less its opening line.
"""
import re

# The kinds of brace a scope opens: a function's body is counted whole.
NAMESPACE, CLASS, FUNCTION, OTHER = "namespace", "class", "function", "other"

_RAW_STRING = re.compile(r'R"([^()\\ ]{0,16})\(')
_TYPE_HEADER = re.compile(r"\b(class|struct|union|enum)\b")
# `namespace a {`, `extern "C" {` (a linkage block; `extern "C" void f() {` is a function).
_NAMESPACE_HEADER = re.compile(r'^\s*(inline\s+)?namespace\b[^(]*$|^\s*extern\s+"[^"]*"\s*$')
_LAMBDA_HEADER = re.compile(r"\]\s*(mutable\s*)?(->[^{]*)?$")
_NAME = re.compile(r"([A-Za-z_~][\w:~<>,\s*&]*?)\s*\(")


def blank_literals(text):
    """The text with comments and literals' contents replaced by spaces (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
        elif (m := _RAW_STRING.match(text, i)) and (i == 0 or not text[i - 1].isalnum()):
            close = ")" + m.group(1) + '"'
            end = text.find(close, m.end())
            end = n if end < 0 else end + len(close)
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
        elif c in "\"'" and not (c == "'" and i > 0 and text[i - 1].isalnum()):
            # A character literal, or a string; a ' between digits is a digit separator.
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + (c if j < n else ""))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _kind(header, enclosing):
    """What a `{` opens, from the text before it in its scope and the enclosing scope."""
    if enclosing not in (NAMESPACE, CLASS):
        return OTHER
    header = re.sub(r"\s+", " ", header).strip()
    if _NAMESPACE_HEADER.search(header):
        return NAMESPACE
    if "(" not in header and _LAMBDA_HEADER.search(header):
        return FUNCTION  # a lambda initialising a namespace-scope variable
    if "(" not in header or header.endswith("="):
        return CLASS if _TYPE_HEADER.search(header) else OTHER
    if _TYPE_HEADER.match(header) and ")" not in header.split("{")[0].split(":")[0]:
        return CLASS
    return FUNCTION


def function_lengths(text):
    """[(name, first line, body lines)] of the file's functions, in order."""
    # Preprocessor lines (and their continuations) hold no scope.
    code = re.sub(r"(?m)^[ \t]*#(?:.*\\\n)*.*$", lambda m: re.sub(r"[^\n]", " ", m.group(0)),
                  blank_literals(text))
    scopes = [NAMESPACE]  # the file's own scope
    opened = []  # (kind, line of its `{`, where its header began, where it is) of each `{`
    header_start = 0
    line = 1
    found = []
    for i, c in enumerate(code):
        if c == "\n":
            line += 1
        elif c == "{":
            header = code[header_start:i]
            kind = _kind(header, scopes[-1])
            if scopes[-1] == FUNCTION or (scopes[-1] == OTHER and FUNCTION in scopes):
                kind = OTHER
            elif scopes[-1] in (NAMESPACE, CLASS) and header.count("(") > header.count(")"):
                kind = OTHER  # inside the header's parentheses: a default argument `= {}`
            opened.append((kind, line, header_start, i))
            scopes.append(kind)
            header_start = i + 1
        elif c == "}":
            if len(opened) > 0:
                kind, start, began, at = opened.pop()
                scopes.pop()
                header = code[began:at]
                # A brace within a header goes on with it: a member initialiser (`b_{b}`,
                # on one line or several) before a constructor's body, or a default
                # argument inside the parentheses.
                rest = code[i + 1:i + 200].lstrip()
                in_header = scopes[-1] in (NAMESPACE, CLASS) and (
                    header.count("(") > header.count(")") or
                    (kind != NAMESPACE and rest[:1] in ("{", ",")))
                if kind == FUNCTION and start != line and not in_header:
                    m = _NAME.search(re.sub(r"\s+", " ", header.strip()))
                    name = m.group(1).split()[-1] if m else "(lambda)"
                    found.append((name, start, line - start))
                header_start = began if in_header else i + 1
            else:
                header_start = i + 1
        elif c == ";":
            header_start = i + 1
    return found
