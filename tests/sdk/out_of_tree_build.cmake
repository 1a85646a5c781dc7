# Script mode: what a vendor does, start to finish. Installs the SDK from the cdsd build tree into
# a fresh prefix, configures and builds examples/vendor_plugin against it in a separate build
# folder, proves nothing in that build reaches into the cdsd source tree, and runs the
# cds-plugin-check installed with the SDK on the result.
#   cmake -DCDS_BINARY_DIR=... -DCDS_SOURCE_DIR=... -DWORK_DIR=... -DGENERATOR=... -P this

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${command}")
  endif()
endfunction()

set(prefix ${WORK_DIR}/sdk)
set(build ${WORK_DIR}/build)
set(example ${CDS_SOURCE_DIR}/examples/vendor_plugin)
file(REMOVE_RECURSE ${WORK_DIR})

run(${CMAKE_COMMAND} --install ${CDS_BINARY_DIR} --component cds_plugin_sdk --prefix ${prefix})
foreach(installed
    bin/cds-plugin-check include/cds/plugin_api.h include/cds/sdk/plugin.h include/cds/sdk/settings.h
    include/cds/sdk/clinical.h include/cds/sdk/calendar.h
    ${LIBDIR}/cmake/CdsPluginSdk/CdsPluginSdkConfig.cmake
    ${LIBDIR}/cmake/CdsPluginSdk/CdsPluginSdkConfigVersion.cmake
    share/cds-plugin-sdk/cds_plugin.map share/cds-plugin-sdk/cmake/CdsPlugin.cmake
    share/cds-plugin-sdk/protos/cds/plugin/v1/plugin.proto)
  if(NOT EXISTS ${prefix}/${installed})
    message(FATAL_ERROR "the SDK install lacks ${installed}")
  endif()
endforeach()

run(${CMAKE_COMMAND} -S ${example} -B ${build} -G ${GENERATOR} -DCMAKE_BUILD_TYPE=RelWithDebInfo
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)
run(${CMAKE_COMMAND} --build ${build} -j 2)

# Out of tree means out of tree: no include path or input from cdsd's source or build folders.
file(READ ${build}/compile_commands.json commands)
foreach(forbidden ${CDS_SOURCE_DIR}/plugin_api ${CDS_SOURCE_DIR}/protos ${CDS_BINARY_DIR}/protos)
  string(FIND "${commands}" "${forbidden}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "the vendor build uses ${forbidden}: it must need only the installed SDK")
  endif()
endforeach()

run(${prefix}/bin/cds-plugin-check ${build}/libacme_weight_recency.so --settings ${example}/settings.json
    --requests ${example}/requests)
