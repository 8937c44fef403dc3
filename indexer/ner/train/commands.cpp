// herald-ner's commands: train, tag CoNLL files, tag plain text (see entities.hpp).
#include <herald/ner/entities.hpp>
#include <herald/ner/train/clusters.hpp>
#include <herald/ner/train/commands.hpp>
#include <herald/ner/train/corpora.hpp>
#include <herald/text/strings.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <stdexcept>

namespace herald {

int run_ner_train(const NerTrainRequest& request, std::ostream& out) {
    const auto started = std::chrono::steady_clock::now();
    NerTrainOptions options = request.options;
    options.log = &out;
    // Defaults: the corpus folder that holds the training file's folder (../shared/corpus).
    const std::filesystem::path corpus = request.train_files.at(0).parent_path().parent_path();
    if (options.unlabeled.empty()) {
        for (const char* name : {"reuters21578", "bbc"}) {
            if (std::filesystem::is_directory(corpus / name))
                options.unlabeled.push_back(corpus / name);
        }
    }
    std::vector<std::filesystem::path> gazetteer_files = request.gazetteer_files;
    if (gazetteer_files.empty() && std::filesystem::is_directory(corpus / "gmb")) {
        for (const auto& entry : std::filesystem::directory_iterator(corpus / "gmb")) {
            if (entry.path().extension() == ".csv") gazetteer_files.push_back(entry.path());
        }
        std::sort(gazetteer_files.begin(), gazetteer_files.end());
    }
    if (options.clusters.empty()) {
        const auto shipped = default_cluster_table();
        if (std::filesystem::exists(shipped)) options.clusters = shipped;
    }
    if (!options.clusters.empty()) out << "clusters: " << options.clusters.string() << "\n";
    std::filesystem::path names_dir = request.names_dir;
    if (names_dir.empty() && std::filesystem::is_directory(corpus / "gazetteers"))
        names_dir = corpus / "gazetteers";
    if (!names_dir.empty() && names_dir != "none") {
        out << "names: " << names_dir.string() << "\n";
        options.names = read_gazetteers(names_dir, &out);
    }
    for (const auto& f : options.unlabeled) out << "unlabeled: " << f.string() << "\n";
    for (const auto& f : gazetteer_files) {
        out << "gazetteer: " << f.string() << "\n";
        auto part = read_gmb(f);
        options.gazetteer.insert(options.gazetteer.end(), std::make_move_iterator(part.begin()),
                                 std::make_move_iterator(part.end()));
    }
    std::vector<LabeledSentence> train;
    for (const auto& f : request.train_files) {
        auto part = read_conll(f);
        train.insert(train.end(), std::make_move_iterator(part.begin()),
                     std::make_move_iterator(part.end()));
    }
    std::vector<LabeledSentence> dev;
    if (!request.dev_file.empty()) dev = read_conll(request.dev_file);
    out << "training sentences: " << train.size() << ", dev sentences: " << dev.size() << "\n";
    const NerModel model = train_ner_model(train, dev, options);
    model.save(request.out);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    out << "wrote " << request.out.string() << " (" << std::filesystem::file_size(request.out)
        << " bytes) in " << std::fixed << std::setprecision(1) << seconds << " s\n";
    return 0;
}

int run_ner_conll(const std::filesystem::path& model_file,
                  const std::filesystem::path& conll,
                  std::ostream& out) {
    const NerModel model = NerModel::load(model_file);
    std::ifstream in(conll, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + conll.string());
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
    }
    // BIO when some B- tag starts a chunk after O or at a sentence start; else IOB1.
    bool bio = false;
    {
        std::string prev = "O";
        for (const auto& line : lines) {
            auto cols = split_whitespace(line);
            if (cols.empty() || cols[0] == "-DOCSTART-") {
                prev = "O";
                continue;
            }
            std::string tag(cols.back());
            if (tag.rfind("B-", 0) == 0 && (prev == "O" || prev.substr(2) != tag.substr(2)))
                bio = true;
            prev = tag;
        }
    }
    // Each document (the sentences between -DOCSTART- lines) is tagged as one article.
    std::vector<std::size_t> sentence_line;  // first line of each sentence of the document
    std::vector<std::vector<std::string>> words;
    auto flush_document = [&]() {
        std::vector<std::vector<std::string_view>> views;
        for (const auto& w : words) views.emplace_back(w.begin(), w.end());
        const auto chunks = model.tag_document(views);
        for (std::size_t s = 0; s < words.size(); ++s) {
            const auto tags = bio ? chunks_to_bio(chunks[s], words[s].size())
                                  : chunks_to_iob1(chunks[s], words[s].size());
            for (std::size_t k = 0; k < words[s].size(); ++k)
                out << lines[sentence_line[s] + k] << " " << tags[k] << "\n";
            out << "\n";
        }
        words.clear();
        sentence_line.clear();
    };
    std::size_t i = 0;
    while (i < lines.size()) {
        auto cols = split_whitespace(lines[i]);
        if (cols.empty()) {
            ++i;
            continue;
        }
        if (cols[0] == "-DOCSTART-") {  // kept, with its column (conlleval needs it)
            flush_document();
            out << lines[i] << " O\n\n";
            ++i;
            continue;
        }
        std::size_t j = i;
        sentence_line.push_back(i);
        words.emplace_back();
        while (j < lines.size()) {
            auto c = split_whitespace(lines[j]);
            if (c.empty() || c[0] == "-DOCSTART-") break;
            words.back().emplace_back(c[0]);
            ++j;
        }
        i = j;
    }
    flush_document();
    return 0;
}

int run_ner_clusters(const NerClustersRequest& request, std::ostream& out) {
    const auto started = std::chrono::steady_clock::now();
    const Embeddings embeddings = read_embeddings(request.embeddings, request.limit);
    out << "embeddings: " << embeddings.words.size() << " words of " << embeddings.dimensions
        << " dimensions\n";
    const ClusterTable table =
        cluster_words(embeddings, request.levels, request.iterations, request.seed, &out);
    write_cluster_table(table, request.out);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    out << "wrote " << request.out.string() << " in " << std::fixed << std::setprecision(1)
        << seconds << " s\n";
    return 0;
}

int run_ner_text(const std::filesystem::path& model_file, std::istream& in, std::ostream& out) {
    const EntityExtractor extractor(model_file);
    const std::string text = to_valid_utf8(std::string(std::istreambuf_iterator<char>(in), {}));
    // Paragraphs: runs of text between blank lines, kept with their offsets.
    std::vector<std::pair<std::size_t, std::size_t>> paragraphs;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = pos;
        while (end < text.size()) {
            const std::size_t nl = text.find('\n', end);
            if (nl == std::string::npos) {
                end = text.size();
                break;
            }
            std::size_t k = nl + 1;
            while (k < text.size() && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r')) ++k;
            if (k >= text.size() || text[k] == '\n') {
                end = nl;
                break;
            }
            end = k;
        }
        if (trim(std::string_view(text).substr(pos, end - pos)).size() > 0)
            paragraphs.push_back({pos, end});
        pos = end + 1;
    }
    std::vector<std::string_view> views;
    for (const auto& [b, e] : paragraphs) views.push_back(std::string_view(text).substr(b, e - b));
    std::vector<Mention> mentions = extractor.extract_article(views);
    for (Mention& m : mentions) {
        m.begin += paragraphs[m.paragraph].first;
        m.end += paragraphs[m.paragraph].first;
    }
    canonicalize(mentions);
    nlohmann::json entities = nlohmann::json::array();
    for (const Mention& m : mentions) {
        entities.push_back({{"type", std::string(entity_type_name(m.type))},
                            {"canonical", m.canonical},
                            {"text", m.text},
                            {"begin", m.begin},
                            {"end", m.end},
                            {"paragraph", m.paragraph + 1}});
    }
    out << nlohmann::json{{"entities", entities}}.dump(2) << "\n";
    return 0;
}

}  // namespace herald
