# Finds the three OpenCV modules Loupe uses (core, imgproc, imgcodecs).
# Debian splits OpenCV into per-module -dev packages; only libopencv-dev ships
# OpenCVConfig.cmake and it drags in every module (video, dnn, GUI toolkits...).
# Locating the three libraries directly keeps the install small.
find_path(LoupeOpenCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4)
set(_loupe_opencv_libs)
foreach(module core imgproc imgcodecs)
  find_library(LoupeOpenCV_${module}_LIBRARY opencv_${module})
  list(APPEND _loupe_opencv_libs LoupeOpenCV_${module}_LIBRARY)
endforeach()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LoupeOpenCV
  REQUIRED_VARS LoupeOpenCV_INCLUDE_DIR ${_loupe_opencv_libs})

if(LoupeOpenCV_FOUND)
  foreach(module core imgproc imgcodecs)
    if(NOT TARGET LoupeOpenCV::${module})
      add_library(LoupeOpenCV::${module} UNKNOWN IMPORTED)
      set_target_properties(LoupeOpenCV::${module} PROPERTIES
        IMPORTED_LOCATION "${LoupeOpenCV_${module}_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${LoupeOpenCV_INCLUDE_DIR}")
    endif()
  endforeach()
endif()
