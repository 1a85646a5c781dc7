# Script mode: writes INPUT's bytes into OUTPUT as a std::string_view named SYMBOL.
file(READ ${INPUT} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
file(SIZE ${INPUT} size)
file(WRITE ${OUTPUT}
  "// Generated from ${INPUT}.\n#include <string_view>\n"
  "static const char data[] = {${bytes} 0};\n"
  "extern const std::string_view ${SYMBOL};\n"
  "const std::string_view ${SYMBOL}(data, ${size});\n")
