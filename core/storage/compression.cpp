// Kafka's batch compression codecs over Debian's zlib, snappy, liblz4 and libzstd (see
// compression.h). Every decompressor checks each library result, stops at `limit` output bytes,
// and reports bad input as CorruptDataError naming the codec and the problem.
#include "core/storage/compression.h"

#include <fmt/format.h>
#include <lz4frame.h>
#include <snappy.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <climits>
#include <memory>
#include <stdexcept>
#define ZLIB_CONST
#include <zlib.h>

#include "core/storage/errors.h"

namespace ksim::storage {
namespace {

// ---------------------------------------------------------------------------------------------
// Decompressed output that grows as a codec produces it and refuses to pass `limit` bytes.

class BoundedOutput {
 public:
  BoundedOutput(const char* codec, std::size_t limit, std::size_t size_hint)
      : codec_(codec), limit_(limit) {
    bytes_.resize(std::min(std::max<std::size_t>(size_hint, 256), capacity_cap()));
  }

  // Room to write into at the end of what was produced; never empty (grows, or throws past limit).
  std::uint8_t* space(std::size_t& available) {
    if (size_ == bytes_.size()) {
      if (size_ > limit_) fail_limit();
      bytes_.resize(std::min(bytes_.size() * 2, capacity_cap()));
      if (size_ == bytes_.size()) fail_limit();
    }
    available = bytes_.size() - size_;
    return bytes_.data() + size_;
  }
  void produced(std::size_t n) {
    size_ += n;
    if (size_ > limit_) fail_limit();
  }
  // Makes room for exactly n more bytes (a codec that knows its output size up front).
  std::uint8_t* reserve_exact(std::size_t n) {
    if (n > limit_ - std::min(limit_, size_)) fail_limit();
    if (bytes_.size() < size_ + n) bytes_.resize(size_ + n);
    return bytes_.data() + size_;
  }
  std::size_t size() const { return size_; }
  Bytes take() && {
    bytes_.resize(size_);
    return std::move(bytes_);
  }

 private:
  // One byte over the limit is enough to tell that a codec wants to exceed it.
  std::size_t capacity_cap() const { return limit_ == SIZE_MAX ? limit_ : limit_ + 1; }
  [[noreturn]] void fail_limit() const {
    throw CorruptDataError(
        fmt::format("{}: decompressed data exceeds the limit of {} bytes", codec_, limit_));
  }

  const char* codec_;
  std::size_t limit_;
  Bytes bytes_;
  std::size_t size_ = 0;
};

[[noreturn]] void corrupt(const char* codec, const std::string& what) {
  throw CorruptDataError(fmt::format("{}: {}", codec, what));
}

// zlib counts in uInt; feed it at most this much at a time.
constexpr std::size_t kZlibChunk = std::size_t{1} << 30;

uInt zlib_count(std::size_t n) { return static_cast<uInt>(std::min(n, kZlibChunk)); }

// ---------------------------------------------------------------------------------------------
// gzip: a gzip stream (RFC 1952), as Java's GZIPOutputStream writes and GZIPInputStream reads.

constexpr int kGzipWindowBits = 15 + 16;  // 32K window, gzip wrapper

Bytes gzip_compress(ByteView data) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("gzip: deflateInit2 failed");
  }
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&stream, deflateEnd);
  Bytes out(deflateBound(&stream, static_cast<uLong>(data.size())) + 64);
  std::size_t in_pos = 0;
  std::size_t out_pos = 0;
  for (;;) {
    stream.next_in = data.data() + in_pos;
    stream.avail_in = zlib_count(data.size() - in_pos);
    if (out_pos == out.size()) out.resize(out.size() * 2);
    stream.next_out = out.data() + out_pos;
    stream.avail_out = zlib_count(out.size() - out_pos);
    const uInt in_before = stream.avail_in;
    const uInt out_before = stream.avail_out;
    const bool last_input = data.size() - in_pos == stream.avail_in;
    const int rc = deflate(&stream, last_input ? Z_FINISH : Z_NO_FLUSH);
    in_pos += in_before - stream.avail_in;
    out_pos += out_before - stream.avail_out;
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) throw std::runtime_error("gzip: deflate failed");
  }
  out.resize(out_pos);
  return out;
}

Bytes gzip_decompress(ByteView data, std::size_t limit) {
  z_stream stream{};
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK) {
    throw std::runtime_error("gzip: inflateInit2 failed");
  }
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&stream, inflateEnd);
  BoundedOutput out("gzip", limit, data.size() * 4);
  std::size_t in_pos = 0;
  std::size_t members = 0;
  for (;;) {
    std::size_t available = 0;
    std::uint8_t* dst = out.space(available);
    stream.next_in = data.data() + in_pos;
    stream.avail_in = zlib_count(data.size() - in_pos);
    stream.next_out = dst;
    stream.avail_out = zlib_count(available);
    const uInt in_before = stream.avail_in;
    const uInt out_before = stream.avail_out;
    const int rc = inflate(&stream, Z_NO_FLUSH);
    in_pos += in_before - stream.avail_in;
    out.produced(out_before - stream.avail_out);
    if (rc == Z_STREAM_END) {
      ++members;
      if (in_pos == data.size()) break;
      // Another gzip member follows (GZIPInputStream reads concatenated members too).
      if (inflateReset(&stream) != Z_OK) corrupt("gzip", "inflateReset failed");
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && in_pos == data.size()) {
      corrupt("gzip", fmt::format("stream truncated after {} input bytes ({} members complete)",
                                  data.size(), members));
    }
    if (rc == Z_BUF_ERROR) continue;  // output full: space() grows it or throws at the limit
    corrupt("gzip",
            fmt::format("{} at input byte {}", stream.msg ? stream.msg : "invalid data", in_pos));
  }
  return std::move(out).take();
}

// ---------------------------------------------------------------------------------------------
// snappy: xerial's SnappyOutputStream framing on write (what Kafka's Java producer writes):
//   header: 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00, int32 version (1), int32 min compatible (1)
//   blocks: int32 compressed length, raw snappy block of up to 32 KiB of input
// all integers big-endian. On read, data without the header is taken as one raw snappy block
// (what librdkafka and sarama write).

constexpr std::array<std::uint8_t, 8> kXerialMagic = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr std::size_t kXerialHeaderSize = 16;
constexpr std::uint32_t kXerialVersion = 1;
constexpr std::uint32_t kXerialCompatibleVersion = 1;
constexpr std::size_t kXerialBlockSize = 32 * 1024;

const char* as_chars(const std::uint8_t* p) { return reinterpret_cast<const char*>(p); }

Bytes snappy_compress(ByteView data) {
  const std::size_t blocks = (data.size() + kXerialBlockSize - 1) / kXerialBlockSize;
  Bytes out(kXerialHeaderSize + blocks * (4 + snappy::MaxCompressedLength(kXerialBlockSize)));
  std::copy(kXerialMagic.begin(), kXerialMagic.end(), out.begin());
  store_be32(out.data() + 8, kXerialVersion);
  store_be32(out.data() + 12, kXerialCompatibleVersion);
  std::size_t pos = kXerialHeaderSize;
  for (std::size_t in = 0; in < data.size(); in += kXerialBlockSize) {
    const std::size_t n = std::min(kXerialBlockSize, data.size() - in);
    std::size_t compressed = 0;
    snappy::RawCompress(as_chars(data.data() + in), n,
                        reinterpret_cast<char*>(out.data() + pos + 4), &compressed);
    store_be32(out.data() + pos, static_cast<std::uint32_t>(compressed));
    pos += 4 + compressed;
  }
  out.resize(pos);
  return out;
}

// Appends the decompression of one raw snappy block.
void snappy_raw_block(ByteView block, BoundedOutput& out, const std::string& where) {
  std::size_t length = 0;
  if (!snappy::GetUncompressedLength(as_chars(block.data()), block.size(), &length)) {
    corrupt("snappy", where + ": bad uncompressed-length preamble");
  }
  if (!snappy::IsValidCompressedBuffer(as_chars(block.data()), block.size())) {
    corrupt("snappy", where + ": invalid compressed data");
  }
  std::uint8_t* dst = out.reserve_exact(length);
  if (!snappy::RawUncompress(as_chars(block.data()), block.size(), reinterpret_cast<char*>(dst))) {
    corrupt("snappy", where + ": invalid compressed data");
  }
  out.produced(length);
}

Bytes snappy_decompress(ByteView data, std::size_t limit) {
  BoundedOutput out("snappy", limit, 0);
  const bool framed = data.size() >= kXerialMagic.size() &&
                      std::equal(kXerialMagic.begin(), kXerialMagic.end(), data.begin());
  if (!framed) {
    snappy_raw_block(data, out, "raw block");
    return std::move(out).take();
  }
  if (data.size() < kXerialHeaderSize) {
    corrupt("snappy", fmt::format("xerial header truncated ({} of {} bytes)", data.size(),
                                  kXerialHeaderSize));
  }
  // Versions are not checked: xerial's reader only requires the compatible version to be >= 1,
  // and every writer writes 1.
  std::size_t pos = kXerialHeaderSize;
  for (std::size_t block = 0; pos < data.size(); ++block) {
    if (data.size() - pos < 4) {
      corrupt("snappy", fmt::format("xerial block {} at byte {}: length truncated", block, pos));
    }
    const std::uint32_t length = load_be32(data.data() + pos);
    pos += 4;
    if (length > data.size() - pos) {
      corrupt("snappy", fmt::format("xerial block {} at byte {}: length {} overruns the input "
                                    "({} bytes left)",
                                    block, pos - 4, length, data.size() - pos));
    }
    snappy_raw_block(data.subspan(pos, length), out,
                     fmt::format("xerial block {} at byte {}", block, pos - 4));
    pos += length;
  }
  return std::move(out).take();
}

// ---------------------------------------------------------------------------------------------
// lz4: the LZ4 frame format, as Kafka's KafkaLZ4BlockOutputStream writes it (64 KiB independent
// blocks, no block or content checksum; the batch CRC covers the bytes).

Bytes lz4_compress(ByteView data) {
  LZ4F_preferences_t prefs = LZ4F_INIT_PREFERENCES;
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  Bytes out(LZ4F_compressFrameBound(data.size(), &prefs));
  const std::size_t n =
      LZ4F_compressFrame(out.data(), out.size(), data.data(), data.size(), &prefs);
  if (LZ4F_isError(n)) {
    throw std::runtime_error(fmt::format("lz4: compression failed: {}", LZ4F_getErrorName(n)));
  }
  out.resize(n);
  return out;
}

Bytes lz4_decompress(ByteView data, std::size_t limit) {
  LZ4F_dctx* raw_ctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw_ctx, LZ4F_VERSION))) {
    throw std::runtime_error("lz4: cannot create a decompression context");
  }
  std::unique_ptr<LZ4F_dctx, LZ4F_errorCode_t (*)(LZ4F_dctx*)> ctx(raw_ctx,
                                                                   LZ4F_freeDecompressionContext);
  BoundedOutput out("lz4", limit, data.size() * 4);
  std::size_t in_pos = 0;
  for (;;) {
    std::size_t available = 0;
    std::uint8_t* dst = out.space(available);
    std::size_t src_size = data.size() - in_pos;
    const std::size_t hint =
        LZ4F_decompress(ctx.get(), dst, &available, data.data() + in_pos, &src_size, nullptr);
    if (LZ4F_isError(hint)) {
      corrupt("lz4", fmt::format("{} near input byte {}", LZ4F_getErrorName(hint), in_pos));
    }
    in_pos += src_size;
    out.produced(available);
    if (hint == 0) break;                   // the frame is complete
    if (available == 0 && src_size == 0) {  // no progress although both buffers have room
      if (in_pos == data.size()) {
        corrupt("lz4", fmt::format("frame truncated after {} input bytes", data.size()));
      }
      corrupt("lz4", fmt::format("decoder stalled at input byte {}", in_pos));
    }
  }
  if (in_pos != data.size()) {
    corrupt("lz4", fmt::format("{} trailing bytes after the frame", data.size() - in_pos));
  }
  return std::move(out).take();
}

// ---------------------------------------------------------------------------------------------
// zstd: standard zstd frames (Kafka's default level is 3).

constexpr int kZstdLevel = 3;

Bytes zstd_compress(ByteView data) {
  Bytes out(ZSTD_compressBound(data.size()));
  const std::size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), kZstdLevel);
  if (ZSTD_isError(n)) {
    throw std::runtime_error(fmt::format("zstd: compression failed: {}", ZSTD_getErrorName(n)));
  }
  out.resize(n);
  return out;
}

Bytes zstd_decompress(ByteView data, std::size_t limit) {
  std::unique_ptr<ZSTD_DCtx, std::size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!ctx) throw std::runtime_error("zstd: cannot create a decompression context");
  BoundedOutput out("zstd", limit, data.size() * 4);
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  for (;;) {
    std::size_t available = 0;
    std::uint8_t* dst = out.space(available);
    ZSTD_outBuffer dst_buffer{dst, available, 0};
    const std::size_t in_before = in.pos;
    const std::size_t rc = ZSTD_decompressStream(ctx.get(), &dst_buffer, &in);
    if (ZSTD_isError(rc)) {
      corrupt("zstd", fmt::format("{} near input byte {}", ZSTD_getErrorName(rc), in_before));
    }
    out.produced(dst_buffer.pos);
    if (rc == 0 && in.pos == in.size) break;  // every frame complete and flushed
    if (in.pos == in.size && dst_buffer.pos < dst_buffer.size) {
      corrupt("zstd", fmt::format("frame truncated after {} input bytes", data.size()));
    }
    if (in.pos == in_before && dst_buffer.pos == 0) {
      corrupt("zstd", fmt::format("decoder stalled at input byte {}", in.pos));
    }
  }
  return std::move(out).take();
}

}  // namespace

Bytes compress(CompressionType type, ByteView data) {
  switch (type) {
    case CompressionType::none: return Bytes(data.begin(), data.end());
    case CompressionType::gzip: return gzip_compress(data);
    case CompressionType::snappy: return snappy_compress(data);
    case CompressionType::lz4: return lz4_compress(data);
    case CompressionType::zstd: return zstd_compress(data);
  }
  throw std::invalid_argument(
      fmt::format("compress: unknown compression type {}", static_cast<int>(type)));
}

Bytes decompress(CompressionType type, ByteView data, std::size_t limit) {
  switch (type) {
    case CompressionType::none:
      if (data.size() > limit) {
        corrupt("none", fmt::format("{} bytes exceed the limit of {} bytes", data.size(), limit));
      }
      return Bytes(data.begin(), data.end());
    case CompressionType::gzip: return gzip_decompress(data, limit);
    case CompressionType::snappy: return snappy_decompress(data, limit);
    case CompressionType::lz4: return lz4_decompress(data, limit);
    case CompressionType::zstd: return zstd_decompress(data, limit);
  }
  throw CorruptDataError(fmt::format("unknown compression codec {}", static_cast<int>(type)));
}

}  // namespace ksim::storage
