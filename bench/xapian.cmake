# Xapian Omega peer driver of bench/compare: links the project's Xapian (always present);
# at run time it needs Omega's scriptindex (Debian: xapian-omega) to build its database.
add_executable(herald_peer_xapian peer_xapian.cpp)
target_link_libraries(herald_peer_xapian PRIVATE Herald::xapian CLI11::CLI11 nlohmann_json::nlohmann_json
                                                 herald_options)
target_compile_definitions(herald_peer_xapian PRIVATE
  HERALD_OMEGA_SCRIPT="${CMAKE_CURRENT_SOURCE_DIR}/omega/paragraphs.script"
  HERALD_OMEGA_TEMPLATES="${CMAKE_CURRENT_SOURCE_DIR}/omega/templates")
find_program(HERALD_SCRIPTINDEX scriptindex)
if(NOT HERALD_SCRIPTINDEX)
  message(STATUS "scriptindex not found: herald_peer_xapian will need it at run time (apt-get install xapian-omega)")
endif()
