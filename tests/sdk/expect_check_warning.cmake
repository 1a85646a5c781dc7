# Script mode: runs cds-plugin-check on a plugin that must pass with a warning, and passes only
# when it does: exit 0, PASS on the line of check CHECK, and a "warning:" line matching DETAIL.
#   cmake -DCHECKER=... -DPLUGIN=... -DCHECK=<check name> -DDETAIL=<regex> [-DARGS=a|b|c] -P this
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND ${CHECKER} ${PLUGIN} ${args}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cds-plugin-check failed a plugin that must pass '${CHECK}' with a warning")
endif()
string(FIND "${out}" "\nPASS  ${CHECK} " at)
if(at EQUAL -1)
  message(FATAL_ERROR "expected the check '${CHECK}' to PASS")
endif()
if(NOT out MATCHES "\n      - warning: [^\n]*${DETAIL}")
  message(FATAL_ERROR "expected a warning matching '${DETAIL}'")
endif()
