# What `cmake --install` puts where and what `cpack -G DEB` packs (docs/install.md):
#   bin/pcapkit                                the CLI
#   share/man/man1/pcapkit.1                   its man page, help2man over its --help
#   share/bash-completion/completions/pcapkit  its bash completion, from its --help
#   lib/libpcapkit.a                           the library: every layer in one archive
#   include/pcapkit/*.h                        the public headers
#   lib/cmake/pcapkit/                         find_package(pcapkit CONFIG) -> pcapkit::pcapkit
#   lib/pkgconfig/pcapkit.pc                   pkg-config --cflags --libs pcapkit
#   share/pcapkit/engines/*.py                 the foreign engines' adapters (-E dpkt, ...)
# Included from the root CMakeLists.txt once PCAPKIT_LIBRARY_LAYERS and pcapkit-cli exist.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# --- The library --------------------------------------------------------------------
# Users link one archive, not the eleven layers: it holds the layers' own object files
# (nothing is compiled twice). Its dissectors and analysers register themselves from
# static initialisers nothing references, so whoever links it links it whole: the
# exported pcapkit::pcapkit and pcapkit.pc both say so. It is written to dist/ so it does
# not clash with the api layer's own libpcapkit.a.
set(pcapkit_objects)
foreach(layer ${PCAPKIT_LIBRARY_LAYERS})
  list(APPEND pcapkit_objects $<TARGET_OBJECTS:${layer}>)
endforeach()
add_library(pcapkit_dist STATIC ${pcapkit_objects})
set_target_properties(pcapkit_dist PROPERTIES OUTPUT_NAME pcapkit EXPORT_NAME archive
                      ARCHIVE_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/dist)

# pcapkit::pcapkit for users: the archive linked whole, the headers, C++20 (the headers use
# std::span and designated initialisers) and the libraries the archive's objects call.
# CMake 3.25's export does not rename a target inside $<LINK_LIBRARY>: the installed
# interface names the exported archive itself.
add_library(pcapkit_package INTERFACE)
set_target_properties(pcapkit_package PROPERTIES EXPORT_NAME pcapkit)
target_link_libraries(pcapkit_package INTERFACE
  "$<BUILD_INTERFACE:$<LINK_LIBRARY:WHOLE_ARCHIVE,pcapkit_dist>>"
  "$<INSTALL_INTERFACE:$<LINK_LIBRARY:WHOLE_ARCHIVE,pcapkit::archive>>"
  TBB::tbb ZLIB::ZLIB zstd::libzstd_shared OpenSSL::SSL OpenSSL::Crypto PkgConfig::PCAP PkgConfig::NGHTTP2
  PkgConfig::BROTLI simdjson::simdjson Threads::Threads)
target_include_directories(pcapkit_package INTERFACE
                           $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_compile_features(pcapkit_package INTERFACE cxx_std_20)

install(TARGETS pcapkit_dist pcapkit_package EXPORT pcapkitTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
# A stripping install (`cmake --install --strip`, the .deb) strips the executable but
# never a static library (it would lose its symbols): the archive loses its debug
# sections only, most of its size.
install(CODE "
  if(CMAKE_INSTALL_DO_STRIP)
    execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-debug
      \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/libpcapkit.a\"
      COMMAND_ERROR_IS_FATAL ANY)
  endif()" COMPONENT dev)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/pcapkit
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev FILES_MATCHING PATTERN "*.h")

# The CMake package. The config finds the archive's dependencies before the exported
# targets name them.
set(pcapkit_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/pcapkit)
install(EXPORT pcapkitTargets NAMESPACE pcapkit:: DESTINATION ${pcapkit_cmake_dir}
        COMPONENT dev)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/pcapkitConfig.cmake.in
  ${PROJECT_BINARY_DIR}/dist/pcapkitConfig.cmake INSTALL_DESTINATION ${pcapkit_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/dist/pcapkitConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/dist/pcapkitConfig.cmake
              ${PROJECT_BINARY_DIR}/dist/pcapkitConfigVersion.cmake
        DESTINATION ${pcapkit_cmake_dir} COMPONENT dev)

# pcapkit.pc finds its prefix from its own place (${pcfiledir}), so the tree stays right
# wherever `cmake --install --prefix` or the .deb puts it.
file(RELATIVE_PATH PCAPKIT_PC_PREFIX
     /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" PCAPKIT_PC_PREFIX "${PCAPKIT_PC_PREFIX}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/pcapkit.pc.in ${PROJECT_BINARY_DIR}/dist/pcapkit.pc
               @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/dist/pcapkit.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

# --- The CLI, its man page and its bash completion ----------------------------------
install(TARGETS pcapkit-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT cli)

# Both are read from the built binary's --help (scripts/cli_reference.py), so a new verb
# or flag reaches them with the next build; tests/install checks they did.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(pcapkit_reference ${PROJECT_SOURCE_DIR}/scripts/cli_reference.py)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/dist/completion/pcapkit
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/dist/completion
  COMMAND ${Python3_EXECUTABLE} ${pcapkit_reference} $<TARGET_FILE:pcapkit-cli> completion
          ${PROJECT_BINARY_DIR}/dist/completion/pcapkit
  DEPENDS pcapkit-cli ${pcapkit_reference}
  COMMENT "Bash completion from pcapkit --help" VERBATIM)
set(pcapkit_cli_docs ${PROJECT_BINARY_DIR}/dist/completion/pcapkit)
install(FILES ${PROJECT_BINARY_DIR}/dist/completion/pcapkit
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions COMPONENT cli)

find_program(PCAPKIT_HELP2MAN help2man)
if(PCAPKIT_HELP2MAN)
  add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/dist/pcapkit.1
    COMMAND ${Python3_EXECUTABLE} ${pcapkit_reference} $<TARGET_FILE:pcapkit-cli>
            man-include ${PROJECT_BINARY_DIR}/dist/pcapkit.h2m
    COMMAND ${PCAPKIT_HELP2MAN} --no-info --no-discard-stderr
            --name "packet captures to structured records, fast"
            --include ${PROJECT_BINARY_DIR}/dist/pcapkit.h2m
            --output ${PROJECT_BINARY_DIR}/dist/pcapkit.1 $<TARGET_FILE:pcapkit-cli>
    DEPENDS pcapkit-cli ${pcapkit_reference}
    COMMENT "Man page from pcapkit --help (help2man)" VERBATIM)
  list(APPEND pcapkit_cli_docs ${PROJECT_BINARY_DIR}/dist/pcapkit.1)
  install(FILES ${PROJECT_BINARY_DIR}/dist/pcapkit.1
          DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT cli)
else()
  # Without help2man the tree still installs, without the man page: tests/install
  # reports it (a failure under CI=true). scripts/setup.sh installs help2man.
  message(WARNING "help2man not found: the pcapkit man page is not built nor installed")
endif()
add_custom_target(pcapkit_cli_docs ALL DEPENDS ${pcapkit_cli_docs})

# The foreign engines' Python adapters (-E dpkt, scapy, tshark), found beside the
# executable as ../share/pcapkit/engines.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/stages/foreign/adapters/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/pcapkit/engines COMPONENT cli
        FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)

# --- The Debian package: cpack -G DEB -----------------------------------------------
set(CPACK_PACKAGE_NAME pcapkit)
set(CPACK_PACKAGE_VENDOR pcapkit)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "pcapkit turns packet captures (pcap, pcapng, snoop; gzip, zstd) into JSON, NDJSON,
XML property lists, tables or pcap again; reassembles IP and TCP; writes flow and
application transaction records. The package holds the pcapkit command with its man page
and bash completion, and the static C++ library with its headers, CMake package and
pkg-config file.")
# Who builds the package names themself: -DCPACK_DEBIAN_PACKAGE_MAINTAINER="Name <mail>".
if(NOT CPACK_DEBIAN_PACKAGE_MAINTAINER)
  set(CPACK_DEBIAN_PACKAGE_MAINTAINER "pcapkit maintainers <pcapkit@localhost>")
endif()
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_STRIP_FILES ON)
# Depends: dpkg-shlibdeps reads the binary's shared libraries (libtbb12, libpcap0.8,
# libnghttp2-14, libbrotli1, libzstd1, zlib1g, libssl3, libstdc++6, libc6, ...). The
# static library needs the -dev packages to be linked, and the Python module (built for
# Debian 12's Python 3.11) Python and what to_pandas and pcapkit.dask use: recommended,
# not required.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
    "libtbb-dev, libpcap-dev, libnghttp2-dev, libbrotli-dev, libzstd-dev, zlib1g-dev, libssl-dev, libsimdjson-dev, pkg-config, python3 (>= 3.11), python3 (<< 3.12), python3-numpy, python3-pandas, python3-dask, python3-distributed")
include(CPack)
