// herald-index: reads articles and writes them into a Herald index.
// Exit codes: 0 done; 1 done but records were skipped; 2 usage or I/O error; 3 index locked.
#include <herald/index/index_job.hpp>

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    herald::IndexJobOptions options;
    std::string format;
    CLI::App app{
        "herald-index: index news articles (JSON Lines, plain text, Reuters-21578 SGML) into a\n"
        "Herald index, one Xapian document per paragraph. Re-indexing an article replaces it.\n\n"
        "Exit codes: 0 done; 1 done but records were skipped (0 with --skip-errors);\n"
        "2 usage or I/O error; 3 the index is locked by another writer."};
    app.add_option("--index", options.index_dir, "index folder (created when missing)")->required();
    app.add_option("--format", format,
                   "input format: jsonl, text or reuters (default: by file extension)")
        ->check(CLI::IsMember({"jsonl", "text", "reuters"}));
    auto* rebuild = app.add_flag("--rebuild", options.rebuild, "start from an empty index");
    app.add_flag("--incremental", "add and replace articles in the existing index (the default)")
        ->excludes(rebuild);
    app.add_option("--threads", options.threads, "analysis threads (default: number of cores)")
        ->check(CLI::Range(1, 256));
    app.add_flag("--prune", options.prune,
                 "the input is a full snapshot: delete indexed articles that are not in it");
    app.add_option(
        "--grace", options.grace_seconds,
        "seconds the old index stays after a rebuild switches to the new one (default 10)");
    app.add_flag("--skip-errors", options.skip_errors,
                 "exit 0 even when malformed records were skipped");
    app.add_flag("-q,--quiet", options.quiet, "no progress, only errors and the summary line");
    bool no_entities = false;
    app.add_flag("--no-entities", no_entities,
                 "do not extract entities (given JSONL entities are still indexed)");
    app.add_option("--ner-model", options.ner_model,
                   "entity model file (default: the shipped corpus/models/ner-en.bin)");
    app.add_option("--aliases", options.aliases,
                   "entity alias file: type<TAB>canonical<TAB>alias... a line (see README)")
        ->check(CLI::ExistingFile);
    app.add_option("INPUT", options.inputs, "files or folders to index")
        ->required()
        ->check(CLI::ExistingPath);
    app.set_version_flag("--version", "herald-index " HERALD_VERSION, "print the version and exit");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }
    if (!format.empty()) options.format = herald::parse_input_format(format);
    options.entities = !no_entities;
    return herald::run_index_job(options, std::cout, std::cerr);
}
