// Text files of lines, plain or gzip (a name ending in ".gz" is written compressed; reading
// takes either, whatever the name), through zlib. Errors name the file (and the line).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct gzFile_s;  // zlib's gzFile

namespace ksim::sim::trace {

bool is_gzip_name(std::string_view path);

class LineWriter {
 public:
  // Creates (or truncates) `path`; throws TraceError when it cannot.
  explicit LineWriter(std::string path);
  ~LineWriter();  // closes quietly; call close() to see errors
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  const std::string& path() const { return path_; }
  // Writes the text as is (the caller adds the newlines). Throws TraceError on a write error.
  void write(std::string_view text);
  // Flushes and closes; throws TraceError on an error. Idempotent.
  void close();
  // Bytes given to write() (before compression).
  std::uint64_t bytes_written() const { return bytes_; }

 private:
  std::string path_;
  gzFile_s* file_ = nullptr;
  std::uint64_t bytes_ = 0;
};

class LineReader {
 public:
  // Opens `path` (plain or gzip); throws TraceError when it cannot.
  explicit LineReader(std::string path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  const std::string& path() const { return path_; }
  // The next line without its newline; false at the end of the file. A last line without a
  // newline (a file cut short) and a damaged gzip stream throw TraceError naming the line.
  bool next(std::string& line);
  // The number of the line last returned (from 1); "path:N" for messages.
  std::uint64_t line_number() const { return line_number_; }
  std::string where() const { return path_ + ":" + std::to_string(line_number_); }

 private:
  bool fill();

  std::string path_;
  gzFile_s* file_ = nullptr;
  std::string buffer_;
  std::size_t position_ = 0;
  bool eof_ = false;
  std::uint64_t line_number_ = 0;
};

}  // namespace ksim::sim::trace
