// herald-ner: trains, evaluates and runs Herald's named-entity recognizer.
//   herald-ner train --train FILE... --dev FILE --out MODEL [--epochs N] [--seed S] [--clusters T]
//                    [--names DIR] [--folds N]
//   herald-ner clusters --embeddings GLOVE --out TABLE [--k 64,256,1024] [--iterations N]
//   herald-ner [--model M] --conll FILE     CoNLL columns + one predicted IOB1 column
//   herald-ner [--model M] --text           plain text on stdin → JSON entities on stdout
// Exit codes: 0 done; 1 error (message on stderr); 2 usage error.
#include <herald/ner/entities.hpp>
#include <herald/ner/train/commands.hpp>

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    herald::NerTrainRequest train;
    herald::NerClustersRequest clusters;
    std::filesystem::path model = herald::default_ner_model();
    std::filesystem::path conll;
    bool text = false;
    CLI::App app{
        "herald-ner: named-entity recognizer for news (person, place, organization, misc)"};
    app.add_option("--model", model, "model file (default: the shipped corpus/models/ner-en.bin)");
    app.add_option("--conll", conll, "tag a CoNLL-2003 file; prints it with one more column")
        ->check(CLI::ExistingFile);
    app.add_flag("--text", text, "tag plain text from stdin; prints JSON entities (byte offsets)");
    auto* cmd = app.add_subcommand("train", "train a model on CoNLL-2003 files");
    cmd->add_option("--train", train.train_files, "CoNLL training files")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--dev", train.dev_file, "CoNLL development file (the best epoch is kept)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--out", train.out, "where to write the model")->required();
    cmd->add_option("--epochs", train.options.epochs, "passes over the training data")
        ->check(CLI::Range(1, 100));
    cmd->add_option("--seed", train.options.seed, "shuffle seed");
    cmd->add_option("--unlabeled", train.options.unlabeled,
                    "unlabeled news for capitalization statistics (default: Reuters-21578 and BBC "
                    "in ../shared/corpus when present)");
    cmd->add_option(
        "--gazetteer", train.gazetteer_files,
        "GMB CSV files whose names become gazetteer features (default: ../shared/corpus/gmb)");
    cmd->add_option("--clusters", train.options.clusters,
                    "word cluster table (default: the shipped corpus/models/clusters-en.tsv)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--names", train.names_dir,
                    "gazetteer folder of place, company and name lists (default: "
                    "../shared/corpus/gazetteers when present; 'none' for no lists)");
    cmd->add_option("--folds", train.options.second_pass_folds,
                    "jackknife folds of the second (document) pass; 0: no second pass")
        ->check(CLI::Range(0, 20));
    cmd->add_option("--second-epochs", train.options.second_pass_epochs,
                    "passes of the second (document) pass")
        ->check(CLI::Range(1, 100));
    auto* ccmd = app.add_subcommand("clusters", "cluster word vectors into a cluster table");
    ccmd->add_option("--embeddings", clusters.embeddings, "GloVe text file")
        ->required()
        ->check(CLI::ExistingFile);
    ccmd->add_option("--out", clusters.out, "where to write the table")->required();
    ccmd->add_option("--k", clusters.levels, "clusters of each level (3 levels for a model)")
        ->delimiter(',');
    ccmd->add_option("--iterations", clusters.iterations, "k-means iterations")
        ->check(CLI::Range(1, 1000));
    ccmd->add_option("--seed", clusters.seed, "k-means++ seed");
    ccmd->add_option("--limit", clusters.limit, "cluster the first N words only (0: all)");
    app.set_version_flag("--version", "herald-ner " HERALD_VERSION, "print the version and exit");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }
    try {
        if (cmd->parsed()) return herald::run_ner_train(train, std::cout);
        if (ccmd->parsed()) return herald::run_ner_clusters(clusters, std::cout);
        if (!conll.empty()) return herald::run_ner_conll(model, conll, std::cout);
        if (text) return herald::run_ner_text(model, std::cin, std::cout);
        std::cerr << "herald-ner: give --conll FILE, --text or the train command (see --help)\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "herald-ner: " << e.what() << "\n";
        return 1;
    }
}
