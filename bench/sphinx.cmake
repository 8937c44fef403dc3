# Sphinx peer driver (bench/compare): indexes the paragraphs TSV with Sphinx 2.2's indexer,
# runs searchd on loopback and times SphinxQL searches with snippets over the MySQL
# protocol. Needs the MariaDB client library (Debian: libmariadb-dev); at run time the
# Sphinx binaries (Debian: sphinxsearch).
find_path(HERALD_MARIADB_INCLUDE_DIR mysql.h PATH_SUFFIXES mariadb)
find_library(HERALD_MARIADB_LIBRARY NAMES mariadb)
if(HERALD_MARIADB_INCLUDE_DIR AND HERALD_MARIADB_LIBRARY)
  add_executable(herald_peer_sphinx peer_sphinx.cpp)
  target_include_directories(herald_peer_sphinx SYSTEM PRIVATE ${HERALD_MARIADB_INCLUDE_DIR})
  target_link_libraries(herald_peer_sphinx PRIVATE ${HERALD_MARIADB_LIBRARY} CLI11::CLI11
                        nlohmann_json::nlohmann_json herald_options)
else()
  message(STATUS "herald_peer_sphinx skipped: MariaDB client library not found (Debian: libmariadb-dev)")
endif()
