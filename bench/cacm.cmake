# Ranking quality on the CACM test collection: MAP and P@30 as trec_eval -c computes them
# (bench/trec_eval.hpp), against Anserini's published BM25 and BM25+RM3 figures.
find_package(Threads REQUIRED)
add_executable(herald_bench_cacm cacm.cpp)
target_link_libraries(herald_bench_cacm PRIVATE
  herald_searcher herald_index CLI11::CLI11 nlohmann_json::nlohmann_json Threads::Threads herald_options)
target_compile_definitions(herald_bench_cacm PRIVATE
  HERALD_SHARED_CORPUS_DIR="${PROJECT_SOURCE_DIR}/../shared/corpus")
