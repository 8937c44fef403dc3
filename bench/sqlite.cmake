# SQLite FTS5 peer driver of bench/compare (Debian: libsqlite3-dev); skipped without SQLite.
find_package(SQLite3)
if(SQLite3_FOUND)
  add_executable(herald_peer_sqlite peer_sqlite.cpp)
  target_link_libraries(herald_peer_sqlite PRIVATE SQLite::SQLite3 CLI11::CLI11 nlohmann_json::nlohmann_json
                                                   herald_options)
else()
  message(STATUS "SQLite3 not found: herald_peer_sqlite not built (apt-get install libsqlite3-dev)")
endif()
