# cds_add_plugin_payloads(<target> PROTO_ROOT <dir> PROTOS <files relative to PROTO_ROOT...>)
#   Generates and compiles the lite-runtime C++ code of the plugin payload protos into a static
#   library <target> (position-independent, hidden visibility) for linking into plugins.
#
# Lite code registers no descriptors, so every plugin can hold a private copy without clashing
# with the host's full-runtime copy in the process-wide descriptor pool (platform-notes.md).
# protoc has no switch for optimize_for, so the code is generated from copies of the .proto files
# with `option optimize_for = LITE_RUNTIME;` added after the package line. The installed SDK
# package calls this in the vendor's build, from the .proto files installed with the SDK.

function(cds_add_plugin_payloads target)
  cmake_parse_arguments(arg "" "PROTO_ROOT" "PROTOS" ${ARGN})
  set(lite_src ${CMAKE_CURRENT_BINARY_DIR}/${target}/proto)
  set(lite_out ${CMAKE_CURRENT_BINARY_DIR}/${target}/cpp)
  set(sources)
  foreach(proto IN LISTS arg_PROTOS)
    file(READ ${arg_PROTO_ROOT}/${proto} text)
    string(REGEX REPLACE "\npackage ([a-z0-9.]+);"
           "\npackage \\1;\noption optimize_for = LITE_RUNTIME;" text "${text}")
    file(CONFIGURE OUTPUT ${lite_src}/${proto} CONTENT "${text}" @ONLY)
    string(REGEX REPLACE "\\.proto$" "" stem ${proto})
    add_custom_command(
      OUTPUT ${lite_out}/${stem}.pb.cc ${lite_out}/${stem}.pb.h
      COMMAND ${CMAKE_COMMAND} -E make_directory ${lite_out}
      COMMAND protobuf::protoc -I${lite_src} --cpp_out=${lite_out} ${lite_src}/${proto}
      DEPENDS ${lite_src}/${proto} protobuf::protoc
      COMMENT "protoc (lite) ${proto}" VERBATIM)
    list(APPEND sources ${lite_out}/${stem}.pb.cc ${lite_out}/${stem}.pb.h)
  endforeach()
  # file(CONFIGURE) reruns at every configure; the copies must follow edits of the originals.
  list(TRANSFORM arg_PROTOS PREPEND ${arg_PROTO_ROOT}/ OUTPUT_VARIABLE originals)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${originals})

  add_library(${target} STATIC ${sources})
  # Created now: an imported target that links this one (CdsPluginSdk::sdk) refuses, at generate
  # time, an include folder that does not exist yet.
  file(MAKE_DIRECTORY ${lite_out})
  target_include_directories(${target} PUBLIC ${lite_out})
  # Plugins share the process's libprotobuf.so with the host (Debian's static protobuf is not
  # PIC), so a plugin must be built against the protobuf version the host runs with.
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf)
  set_target_properties(${target} PROPERTIES
    POSITION_INDEPENDENT_CODE ON CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_compile_options(${target} PRIVATE -w)
endfunction()
