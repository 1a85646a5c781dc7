# What `cmake --install <build> --component cdsd` puts on a machine, and the .deb CPack makes of
# it: the daemon and tools, the built-in plugins in a folder named for this version (so a new
# version installs beside the one running), a production config with absolute paths, the
# hardened systemd unit with its sysusers.d and tmpfiles.d entries, and the docs.
# The unit names /usr/bin/cdsd and /etc/cdsd, so the default prefix is /usr (set in the top-level
# CMakeLists.txt); the config is written at configure time with the plugin folder of that prefix.

set(CDS_INSTALL_PLUGIN_DIR ${CMAKE_INSTALL_FULL_LIBDIR}/cdsd/plugins/${PROJECT_VERSION})
set(CDS_INSTALL_CONFIG ${CMAKE_INSTALL_FULL_SYSCONFDIR}/cdsd/cdsd.yaml)
configure_file(${CMAKE_SOURCE_DIR}/config/cdsd.production.yaml.in
               ${CMAKE_BINARY_DIR}/install/cdsd.yaml @ONLY)

install(TARGETS cdsd cdsd-plugin-runner cdsctl cds-plugin-check RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT cdsd)
install(TARGETS ketamine_eligibility ketamine_dosing_schedule ketamine_side_effect_triage
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/cdsd/plugins/${PROJECT_VERSION} COMPONENT cdsd)
install(FILES ${CMAKE_BINARY_DIR}/install/cdsd.yaml
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/cdsd COMPONENT cdsd)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/systemd/cdsd.service
        DESTINATION lib/systemd/system COMPONENT cdsd)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/systemd/cdsd.sysusers
        DESTINATION lib/sysusers.d RENAME cdsd.conf COMPONENT cdsd)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/systemd/cdsd.tmpfiles
        DESTINATION lib/tmpfiles.d RENAME cdsd.conf COMPONENT cdsd)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT cdsd)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT cdsd)

# One .deb of the cdsd component: `cpack --config <build>/CPackConfig.cmake` in the build folder.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME cdsd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "cdsd maintainers <maintainers@cdsd.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Clinical decision support host with ketamine/esketamine plugins")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL cdsd)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/deploy/debian/postinst ${CMAKE_SOURCE_DIR}/deploy/debian/conffiles)
include(CPack)
