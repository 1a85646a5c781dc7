# Script mode: runs cds-plugin-check on a plugin that must fail, and passes only when it fails the
# expected way: a non-zero exit, FAIL on the line of check CHECK (with DETAIL somewhere in the
# output when given), and the "N passed, M failed" summary with M > 0.
#   cmake -DCHECKER=... -DPLUGIN=... -DCHECK=<check name> [-DDETAIL=<regex>] [-DARGS=a|b|c] -P this
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND ${CHECKER} ${PLUGIN} ${args}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
message("${out}${err}")
if(rc EQUAL 0)
  message(FATAL_ERROR "cds-plugin-check passed a plugin that must fail '${CHECK}'")
endif()
string(FIND "${out}" "\nFAIL  ${CHECK} " at)
if(at EQUAL -1)
  message(FATAL_ERROR "expected the check '${CHECK}' to FAIL")
endif()
if(DEFINED DETAIL AND NOT "${out}${err}" MATCHES "${DETAIL}")
  message(FATAL_ERROR "expected the output to match '${DETAIL}'")
endif()
if(NOT out MATCHES "\n[0-9]+ passed, [1-9][0-9]* failed\n$")
  message(FATAL_ERROR "expected a final 'N passed, M failed' line with M > 0")
endif()
