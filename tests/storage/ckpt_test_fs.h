// TestMapFileSystem: a tiny in-memory FileSystem for the checkpoint, leader epoch cache and
// meta.properties tests. Files are byte strings in a map; directories are not modelled (any
// path can be created). It records every call that changes something, so tests can check the
// write protocol (tmp file, append, fsync, rename), and it can be told to fail appends.
#pragma once

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/storage/errors.h"
#include "core/storage/file_system.h"

namespace ksim::storage::testing {

class TestMapFileSystem : public FileSystem {
 public:
  std::unique_ptr<File> open(std::string_view path, OpenMode mode) override {
    const std::string key(path);
    auto it = files_.find(key);
    if (it == files_.end()) {
      if (mode == OpenMode::read_write) {
        throw IoError(IoError::Kind::not_found, "no such file: " + key);
      }
      it = files_.emplace(key, std::make_shared<std::string>()).first;
    } else if (mode == OpenMode::create_truncate) {
      it->second->clear();
    }
    if (mode == OpenMode::create_truncate) log("truncate " + key);
    return std::make_unique<MapFile>(*this, key, it->second);
  }
  bool exists(std::string_view path) const override {
    return files_.count(std::string(path)) != 0;
  }
  bool is_directory(std::string_view) const override { return false; }
  std::vector<std::string> list(std::string_view) const override {
    throw IoError(IoError::Kind::not_found, "TestMapFileSystem has no directories");
  }
  void create_directories(std::string_view) override {}
  void remove(std::string_view path) override {
    if (files_.erase(std::string(path)) == 0) {
      throw IoError(IoError::Kind::not_found, "no such file: " + std::string(path));
    }
    log("remove " + std::string(path));
  }
  void rename(std::string_view from, std::string_view to) override {
    auto it = files_.find(std::string(from));
    if (it == files_.end()) {
      throw IoError(IoError::Kind::not_found, "no such file: " + std::string(from));
    }
    auto content = it->second;
    files_.erase(it);
    files_[std::string(to)] = std::move(content);
    log("rename " + std::string(from) + " " + std::string(to));
  }

  // Test helpers.
  void put(const std::string& path, const std::string& content) {
    files_[path] = std::make_shared<std::string>(content);
  }
  std::optional<std::string> content(const std::string& path) const {
    auto it = files_.find(path);
    if (it == files_.end()) return std::nullopt;
    return *it->second;
  }
  std::vector<std::string> paths() const {
    std::vector<std::string> out;
    for (const auto& [path, _] : files_) out.push_back(path);
    return out;
  }
  // "truncate p", "append p <n bytes>", "fsync p", "rename a b", "remove p", in call order.
  const std::vector<std::string>& operations() const { return operations_; }
  void clear_operations() { operations_.clear(); }
  // While set, every append throws IoError(no_space) and writes nothing.
  bool fail_appends = false;

 private:
  class MapFile : public File {
   public:
    MapFile(TestMapFileSystem& fs, std::string path, std::shared_ptr<std::string> data)
        : fs_(fs), path_(std::move(path)), data_(std::move(data)) {}
    std::uint64_t size() const override { return data_->size(); }
    void append(ByteView data) override {
      if (fs_.fail_appends) throw IoError(IoError::Kind::no_space, "disk full: " + path_);
      data_->append(to_string(data));
      fs_.log("append " + path_ + " " + std::to_string(data.size()));
    }
    std::size_t read_at(std::uint64_t position, MutableByteView out) const override {
      if (position >= data_->size()) return 0;
      const std::size_t start = static_cast<std::size_t>(position);
      const std::size_t n = std::min(out.size(), data_->size() - start);
      std::memcpy(out.data(), data_->data() + start, n);
      return n;
    }
    void truncate(std::uint64_t size) override { data_->resize(static_cast<std::size_t>(size)); }
    void fsync() override { fs_.log("fsync " + path_); }

   private:
    TestMapFileSystem& fs_;
    std::string path_;
    std::shared_ptr<std::string> data_;
  };

  void log(std::string operation) { operations_.push_back(std::move(operation)); }

  std::map<std::string, std::shared_ptr<std::string>> files_;
  std::vector<std::string> operations_;
};

}  // namespace ksim::storage::testing
