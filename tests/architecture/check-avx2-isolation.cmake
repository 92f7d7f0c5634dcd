# Fails when an AVX2 object of core (productkernels_avx2.cpp.o, compiled with -mavx2 -mfma, and
# umapsgd_avx2.cpp.o) defines a weak symbol outside its own namespace (the renamed copy of Eigen,
# loupe::avx2): the linker could then pick that AVX2
# copy for the portable code too, and a CPU without AVX2 would fault. Run by CTest as
# tst_avx2isolation with -DNM=<nm> -DLIBRARY=<libloupe_core.a>.
cmake_minimum_required(VERSION 3.25)

execute_process(COMMAND ${NM} -C ${LIBRARY} OUTPUT_VARIABLE listing RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${NM} could not read ${LIBRARY}")
endif()
string(REPLACE "\n" ";" lines "${listing}")
set(inside FALSE)
set(found "")
set(violations "")
foreach(line IN LISTS lines)
  if(line MATCHES "^(.*\\.o):$")
    string(REGEX MATCH "[a-z]+_avx(2|512)" inside "${CMAKE_MATCH_1}")
    if(inside)
      list(APPEND found "${inside}")
    endif()
    continue()
  endif()
  if(inside AND line MATCHES "^[0-9a-f]* [WVu] (.*)$")
    set(symbol "${CMAKE_MATCH_1}")
    # Data, not code, may be shared: the exception personality's address (DW.ref.*) and the
    # type descriptions UBSan's function check emits (typeinfo).
    # Code may be shared only from the object's own namespace: its renamed Eigen, loupe::avx2.
    if(NOT symbol MATCHES "LoupeEigenAvx(2|512)" AND NOT symbol MATCHES "loupe::avx2::" AND NOT symbol MATCHES "^DW\\.ref\\."
       AND NOT symbol MATCHES "^typeinfo ")
      list(APPEND violations "${symbol}")
    endif()
  endif()
endforeach()
foreach(expected IN ITEMS productkernels_avx2 productkernels_avx512 umapsgd_avx2)
  if(NOT expected IN_LIST found)
    message(FATAL_ERROR "no ${expected} object in ${LIBRARY}")
  endif()
endforeach()
if(violations)
  list(JOIN violations "\n  " text)
  message(FATAL_ERROR "weak symbols outside LoupeEigenAvx2 and loupe::avx2 in the AVX2 objects:\n  ${text}")
endif()
message(STATUS "the AVX2 objects define weak symbols only in their own namespaces")
