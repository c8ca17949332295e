# Fails when docs/clauses.md is not what `essconf clauses --markdown` prints now.
execute_process(COMMAND ${ESSCONF} clauses --markdown OUTPUT_VARIABLE generated RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "essconf clauses --markdown failed (${rc})")
endif()
file(READ ${PAGE} committed)
if(NOT generated STREQUAL committed)
  message(FATAL_ERROR "docs/clauses.md is stale: run `build/dev/suite/essconf clauses --markdown > docs/clauses.md`")
endif()
