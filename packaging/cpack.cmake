# The Debian package, a thin layer over the install() rules: `cpack` in a build directory
# (scripts/package) writes loupe_<version>_<arch>.deb. Runtime dependencies come from
# dpkg-shlibdeps on the installed binaries (Qt 6, OpenCV, SQLite, zlib, libgomp).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME loupe)
set(CPACK_PACKAGE_VENDOR "Loupe")
set(CPACK_PACKAGE_CONTACT "Loupe maintainers <loupe@example.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "Loupe opens an image classification dataset with a model's predictions and shows where the model fails: likely label errors, failure clusters, weak metadata slices, duplicates and leaks. It ships the desktop app (loupe) and a headless command-line tool (loupe-cli).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The xcb and Wayland platform plugins are not linked, so shlibdeps cannot see them.
if(LOUPE_BUILD_GUI)
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-qpa-plugins, qt6-wayland")
endif()
include(CPack)
