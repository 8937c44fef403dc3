// herald_index_dump: a deterministic, complete text dump of a Xapian database, for proving that two
// builds of an indexer wrote the same index.
//
// Built as herald_index_dump (bench/CMakeLists.txt); bench/snapshot uses it.
// Usage: herald_index_dump DB [OUT]   DB: a database folder, a stub file, or a folder holding a
//                              XAPIANDB stub (Herald's generation layout). OUT: default stdout.
//
// Output (all strings quoted: printable ASCII and valid UTF-8 verbatim, `"` and `\` as \" and
// \\, control bytes and invalid UTF-8 bytes as \xHH):
//   doccount N / lastdocid N / total_length N / has_positions 0|1
//   doc DOCID length N data "..."         for each document, by ascending docid
//     value SLOT "..."                    each value slot, ascending
//     term "..." wdf N pos [p1,p2,...]    each term, in Xapian's (byte) order
//   metadata "KEY" "VALUE"                every user metadata entry, by key
//   allterms COUNT
//   allterm "..." tf N cf N               every term of the database, in order
//   end
// The database UUID and revision are not printed: they differ on every build.
#include <xapian.h>

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

namespace {

// Length of a valid UTF-8 sequence starting at s[i] (1..4), or 0 if invalid.
std::size_t utf8_len(const std::string& s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    std::size_t n;
    unsigned int cp;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else
        return 0;
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b(i + k) & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

void quote(std::string& out, const std::string& s) {
    static const char* hex = "0123456789abcdef";
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
            ++i;
        } else if (c >= 0x20 && c < 0x7F) {
            out += static_cast<char>(c);
            ++i;
        } else if (c >= 0x80) {
            const std::size_t n = utf8_len(s, i);
            if (n > 0) {
                out.append(s, i, n);
                i += n;
            } else {
                out += "\\x";
                out += hex[c >> 4];
                out += hex[c & 15];
                ++i;
            }
        } else {  // control bytes, DEL
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
            ++i;
        }
    }
    out += '"';
}

std::string open_path(const std::string& arg) {
    struct stat st {};
    if (stat(arg.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        const std::string stub = arg + "/XAPIANDB";
        struct stat st2 {};
        if (stat(stub.c_str(), &st2) == 0 && S_ISREG(st2.st_mode)) return stub;  // Herald layout
    }
    return arg;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::cerr << "usage: index_dump DB [OUT]\n";
        return 2;
    }
    std::ofstream file;
    if (argc == 3) {
        file.open(argv[2], std::ios::binary | std::ios::trunc);
        if (!file) {
            std::cerr << "index_dump: cannot write " << argv[2] << "\n";
            return 2;
        }
    }
    std::ostream& os = argc == 3 ? static_cast<std::ostream&>(file) : std::cout;
    try {
        Xapian::Database db(open_path(argv[1]));
        std::string out;
        out.reserve(1 << 20);
        const auto flush = [&] {
            os.write(out.data(), static_cast<std::streamsize>(out.size()));
            out.clear();
        };
        out += "doccount " + std::to_string(db.get_doccount()) + "\n";
        out += "lastdocid " + std::to_string(db.get_lastdocid()) + "\n";
        out += "total_length " + std::to_string(db.get_total_length()) + "\n";
        out += "has_positions " + std::to_string(db.has_positions() ? 1 : 0) + "\n";

        for (auto p = db.postlist_begin(std::string()); p != db.postlist_end(std::string()); ++p) {
            const Xapian::docid did = *p;
            const Xapian::Document doc = db.get_document(did);
            out += "doc " + std::to_string(did) + " length " +
                   std::to_string(db.get_doclength(did)) + " data ";
            quote(out, doc.get_data());
            out += '\n';
            for (auto v = doc.values_begin(); v != doc.values_end(); ++v) {
                out += "  value " + std::to_string(v.get_valueno()) + " ";
                quote(out, *v);
                out += '\n';
            }
            for (auto t = db.termlist_begin(did); t != db.termlist_end(did); ++t) {
                const std::string term = *t;
                out += "  term ";
                quote(out, term);
                out += " wdf " + std::to_string(t.get_wdf()) + " pos [";
                bool first = true;
                for (auto q = db.positionlist_begin(did, term); q != db.positionlist_end(did, term);
                     ++q) {
                    if (!first) out += ',';
                    first = false;
                    out += std::to_string(*q);
                }
                out += "]\n";
            }
            if (out.size() > (1u << 20)) flush();
        }

        for (auto k = db.metadata_keys_begin(); k != db.metadata_keys_end(); ++k) {
            out += "metadata ";
            quote(out, *k);
            out += ' ';
            quote(out, db.get_metadata(*k));
            out += '\n';
            if (out.size() > (1u << 20)) flush();
        }

        std::size_t nterms = 0;
        for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) ++nterms;
        out += "allterms " + std::to_string(nterms) + "\n";
        for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
            out += "allterm ";
            quote(out, *t);
            out += " tf " + std::to_string(t.get_termfreq()) + " cf " +
                   std::to_string(db.get_collection_freq(*t)) + "\n";
            if (out.size() > (1u << 20)) flush();
        }
        out += "end\n";
        flush();
        os.flush();
        if (!os) {
            std::cerr << "index_dump: write failed\n";
            return 1;
        }
    } catch (const Xapian::Error& e) {
        std::cerr << "index_dump: " << e.get_description() << "\n";
        return 1;
    }
    return 0;
}
