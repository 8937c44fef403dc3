#include <herald/index/generations.hpp>
#include <herald/index/writer.hpp>
#include <herald/text/entity_resolution.hpp>
#include <herald/text/index_layout.hpp>
#include <herald/text/schema.hpp>

#include <algorithm>
#include <system_error>
#include <vector>

namespace herald {

IndexWriter::IndexWriter(const std::filesystem::path& dir,
                         bool overwrite,
                         CommitPolicy policy,
                         const EntityExtractor* extractor,
                         std::string analysis,
                         const std::filesystem::path& story_dir)
    : policy_(policy), extractor_(extractor), analysis_(std::move(analysis)) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw IndexError("cannot create index folder " + dir.string() + ": " + ec.message());
    if (overwrite && !story_dir.empty()) {
        std::filesystem::create_directories(story_dir, ec);
        if (ec) {
            throw IndexError("cannot create index folder " + story_dir.string() + ": " +
                             ec.message());
        }
    }
    try {
        db_ = Xapian::WritableDatabase(
            dir.string(), overwrite ? Xapian::DB_CREATE_OR_OVERWRITE : Xapian::DB_CREATE_OR_OPEN);
        if (overwrite && !story_dir.empty())
            stories_.emplace(story_dir.string(), Xapian::DB_CREATE_OR_OVERWRITE);
    } catch (const Xapian::DatabaseLockError& e) {
        // A lock file that cannot be created or opened (read-only folder) is an I/O
        // problem, not another writer: Xapian then reports the system error.
        if (e.get_msg().find("already locked") == std::string::npos) {
            throw IndexError("cannot lock index " + dir.string() + " for writing: " + e.get_msg());
        }
        throw IndexLockedError("index " + dir.string() +
                               " is locked by another writer (Xapian's flintlock): " + e.get_msg());
    } catch (const Xapian::Error& e) {
        throw IndexError("cannot open index " + dir.string() + ": " + e.get_description());
    }
    started_empty_ = db_.get_doccount() == 0;
}

void IndexWriter::add(const Article& article) {
    const std::string fingerprint = article_fingerprint(article, analysis_);
    if (!started_empty_ || seen_.count(article.id)) {
        try {
            const std::string term = schema::boolean_term(schema::kArticle, article.id);
            auto it = db_.postlist_begin(term);
            const Xapian::doccount held =
                db_.get_termfreq(term) + (stories_ ? stories_->get_termfreq(term) : 0);
            if (it != db_.postlist_end(term) && held == article.paragraphs.size() + 1 &&
                db_.get_document(*it).get_value(schema::kFingerprint) == fingerprint) {
                ++counts_.articles_unchanged;
                return;
            }
        } catch (const Xapian::Error& e) {
            throw IndexError("cannot read article " + article.id + ": " + e.get_description());
        }
    }
    std::vector<AcronymDefinition> definitions;
    const auto entities = paragraph_entities(article, extractor_, aliases_, &definitions);
    std::vector<Xapian::Document> documents;
    documents.reserve(article.paragraphs.size());
    for (std::size_t i = 0; i < article.paragraphs.size(); ++i) {
        documents.push_back(builder_.paragraph_document(article, i, entities[i]));
        documents.back().add_value(schema::kFingerprint, fingerprint);
        for (const auto& e : entities[i])
            schema::keep_better_label(displays_[schema::entity_term(e.type, e.text)], e.text);
    }
    // The story document last: documents[i] is paragraph i + 1, documents.back() paragraph 0.
    documents.push_back(builder_.article_document(article, entities));
    documents.back().add_value(schema::kFingerprint, fingerprint);
    // The acronyms it defines, for the collection's resolution (entity_resolution.hpp).
    for (const auto& d : definitions) {
        const std::string term = schema::acronym_term(d.type, d.acronym, d.name);
        if (term.size() <= schema::kMaxTermBytes) documents.back().add_boolean_term(term);
    }
    write(article, std::move(documents));
}

void IndexWriter::write(const Article& article, std::vector<Xapian::Document> documents) {
    try {
        const bool fresh = started_empty_ && seen_.insert(article.id).second;
        if (stories_ && !fresh) {
            // A repeated id in a split build: its old documents go from both databases (a
            // fresh build keeps no docids worth keeping), the new ones are added as below.
            const std::string article_term = schema::boolean_term(schema::kArticle, article.id);
            const Xapian::doccount old = db_.get_termfreq(article_term);
            const Xapian::doccount now = static_cast<Xapian::doccount>(documents.size() - 1);
            if (old > now) counts_.paragraphs_deleted += old - now;
            db_.delete_document(article_term);
            stories_->delete_document(article_term);
            ++counts_.articles_replaced;
        }
        if (fresh || stories_) {
            // The story document is documents.back().
            for (std::size_t i = 0; i < documents.size(); ++i) {
                if (stories_ && i + 1 == documents.size())
                    stories_->add_document(documents[i]);
                else
                    db_.add_document(documents[i]);
            }
            if (fresh) ++counts_.articles_added;
        } else {
            const std::string article_term = schema::boolean_term(schema::kArticle, article.id);
            std::vector<Xapian::docid> old;
            for (auto it = db_.postlist_begin(article_term); it != db_.postlist_end(article_term);
                 ++it) {
                old.push_back(*it);
            }
            std::vector<Xapian::docid> kept;
            for (std::size_t i = 0; i < documents.size(); ++i) {
                const auto number = i + 1 == documents.size() ? 0u : static_cast<unsigned>(i + 1);
                kept.push_back(
                    db_.replace_document(schema::unique_term(article.id, number), documents[i]));
            }
            for (Xapian::docid id : old) {
                if (std::find(kept.begin(), kept.end(), id) == kept.end()) {
                    db_.delete_document(id);
                    ++counts_.paragraphs_deleted;
                }
            }
            if (old.empty())
                ++counts_.articles_added;
            else
                ++counts_.articles_replaced;
            if (started_empty_) seen_.insert(article.id);
        }
        counts_.paragraphs_written += documents.size() - 1;
        pending_documents_ += documents.size();
        for (const auto& p : article.paragraphs) pending_bytes_ += p.size();
        if (pending_documents_ >= policy_.max_documents || pending_bytes_ >= policy_.max_bytes)
            commit();
    } catch (const Xapian::Error& e) {
        throw IndexError("cannot write article " + article.id + ": " + e.get_description());
    }
}

void IndexWriter::commit() {
    const std::string point =
        test_points_.empty() ? std::string() : test_points_ + ":" + std::to_string(++commits_);
    if (!point.empty()) test_point(point);
    try {
        // Display forms of entity names, for facets and autocomplete: the best form written
        // (schema::better_label()), whichever came first.
        for (const auto& [term, display] : displays_) {
            const std::string key = schema::display_key(term);
            if (key.size() > schema::kMaxTermBytes) continue;
            std::string stored = db_.get_metadata(key);
            if (schema::keep_better_label(stored, display)) db_.set_metadata(key, stored);
        }
        displays_.clear();
        db_.commit();
        if (stories_) stories_->commit();
    } catch (const Xapian::Error& e) {
        throw IndexError("commit failed: " + e.get_description());
    }
    pending_documents_ = 0;
    pending_bytes_ = 0;
    if (!point.empty()) test_point(point + ":done");
}

std::size_t IndexWriter::prune(const std::unordered_set<std::string>& keep_ids) {
    std::unordered_set<std::string> keep_terms;
    for (const auto& id : keep_ids) keep_terms.insert(schema::boolean_term(schema::kArticle, id));
    const std::string prefix(schema::kArticle);
    std::vector<std::string> doomed;
    try {
        for (auto it = db_.allterms_begin(prefix); it != db_.allterms_end(prefix); ++it) {
            if (!keep_terms.count(*it)) doomed.push_back(*it);
        }
        for (const auto& term : doomed) {
            counts_.paragraphs_deleted += db_.get_termfreq(term);
            // The article's story document is not a paragraph.
            for (auto d = db_.postlist_begin(term); d != db_.postlist_end(term); ++d) {
                if (db_.get_document(*d).get_value(schema::kParagraph) ==
                    Xapian::sortable_serialise(0)) {
                    --counts_.paragraphs_deleted;
                    break;
                }
            }
            db_.delete_document(term);
            if (stories_) stories_->delete_document(term);
            if (++pending_documents_ >= policy_.max_documents) commit();
        }
    } catch (const Xapian::Error& e) {
        throw IndexError("prune failed: " + e.get_description());
    }
    counts_.articles_deleted += doomed.size();
    return doomed.size();
}

void IndexWriter::resolve_entities(
    const std::vector<std::pair<std::string, std::string>>& aliases) {
    try {
        store_entity_resolution(db_, aliases);
        db_.commit();
    } catch (const Xapian::Error& e) {
        throw IndexError("entity resolution failed: " + e.get_description());
    }
}

Xapian::doccount IndexWriter::document_count() const {
    return paragraph_count(db_);
}

}  // namespace herald
