#!/usr/bin/env node
// Decodes Kafka `.log` segment files with kafkajs, an independent Kafka implementation, and
// prints what it found as JSON. Usage: node decode_segment.js FILE.log [FILE.log...]
//
// The only thing done here by hand is the segment framing kafkajs has no reader for (a segment
// is batches back to back, each baseOffset int64 + batchLength int32 + batchLength bytes; this
// is what a Fetch response carries too). Each batch is then handed whole to kafkajs's own
// RecordBatch v2 decoder (kafkajs/src/protocol/recordBatch/v0/decoder, the one its consumer
// runs on fetched data), which reads the header, decompresses through the codec registered for
// the batch's compression attribute, and decodes every record and header. kafkajs does not
// check CRCs itself, so the stored CRC is compared with kafkajs's CRC-32C implementation.
'use strict'

const fs = require('fs')
const path = require('path')

const { CompressionTypes, CompressionCodecs } = require('kafkajs')
const Decoder = require('kafkajs/src/protocol/decoder')
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder')
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C')
const { COMPRESSION_CODEC_MASK } = require('kafkajs/src/protocol/message/compression')
const SnappyCodec = require('kafkajs-snappy')
const lz4js = require('lz4js')
const xxh32 = require('lz4js/xxh32')
const fzstd = require('fzstd')

// baseOffset + batchLength, then partitionLeaderEpoch int32, magic int8, crc uint32.
const LOG_OVERHEAD = 12
const MAGIC_POSITION = 16
const CRC_POSITION = 17
const ATTRIBUTES_POSITION = 21
// The smallest batchLength Kafka accepts: the fixed header after batchLength (49 bytes).
const MIN_BATCH_LENGTH = 49

const COMPRESSION_NAMES = {
  [CompressionTypes.None]: 'none',
  [CompressionTypes.GZIP]: 'gzip',
  [CompressionTypes.Snappy]: 'snappy',
  [CompressionTypes.LZ4]: 'lz4',
  [CompressionTypes.ZSTD]: 'zstd',
}

// kafkajs ships gzip (zlib) and lets an application register the other codecs by type, as
// Kafka clients do. kafkajs-snappy is the codec kafkajs documents (it reads the xerial framing
// Kafka's Java client writes); lz4 and zstd have no pure-JS kafkajs codec, so these adapters
// put pure-JS decompressors (lz4js: the LZ4 frame format; fzstd: zstd frames) behind kafkajs's
// codec interface. Nothing here compresses: this tool only reads.
function readOnly(name, decompress) {
  return () => ({
    async compress() {
      throw new Error(`decode_segment.js only decodes; it cannot compress ${name}`)
    },
    decompress,
  })
}

// lz4js decodes the blocks but checks none of the frame's checksums, and misreads a frame with
// block checksums (it expects them before the block data, the format puts them after). So the
// frame is checked here with lz4js's own xxh32 around the call: the descriptor checksum (Kafka's
// KafkaLZ4BlockInputStream rejects a wrong one for magic >= 1), no block checksums (Kafka's
// writer never sets them; refused with a clear message rather than misdecoded), and the content
// checksum when the frame has one.
const LZ4_MAGIC = 0x184d2204
const LZ4_FLAG_BLOCK_CHECKSUM = 0x10
const LZ4_FLAG_CONTENT_SIZE = 0x08
const LZ4_FLAG_CONTENT_CHECKSUM = 0x04

async function decompressLz4Frame(buffer) {
  if (buffer.length < 7 || buffer.readUInt32LE(0) !== LZ4_MAGIC) {
    throw new Error('lz4: not an LZ4 frame (bad magic number)')
  }
  const flags = buffer[4]
  if ((flags >> 6) !== 1) throw new Error(`lz4: frame version ${flags >> 6}, expected 1`)
  const descriptorLength = flags & LZ4_FLAG_CONTENT_SIZE ? 10 : 2 // FLG, BD[, content size]
  if (buffer.length < 4 + descriptorLength + 1) throw new Error('lz4: truncated frame descriptor')
  const expected = (xxh32.hash(0, buffer, 4, descriptorLength) >>> 8) & 0xff
  const stored = buffer[4 + descriptorLength]
  if (stored !== expected) {
    throw new Error(`lz4: frame descriptor checksum is ${stored}, expected ${expected}`)
  }
  if (flags & LZ4_FLAG_BLOCK_CHECKSUM) {
    throw new Error('lz4: the frame has block checksums, which lz4js cannot read (Kafka writes none)')
  }
  const out = Buffer.from(lz4js.decompress(buffer))
  if (flags & LZ4_FLAG_CONTENT_CHECKSUM) {
    const storedContentChecksum = buffer.readUInt32LE(buffer.length - 4)
    const contentChecksum = xxh32.hash(0, out, 0, out.length)
    if (storedContentChecksum !== contentChecksum) {
      throw new Error(`lz4: content checksum is ${storedContentChecksum}, expected ${contentChecksum}`)
    }
  }
  return out
}

CompressionCodecs[CompressionTypes.Snappy] = SnappyCodec
CompressionCodecs[CompressionTypes.LZ4] = readOnly('lz4', decompressLz4Frame)
CompressionCodecs[CompressionTypes.ZSTD] = readOnly('zstd', async buffer =>
  Buffer.from(fzstd.decompress(buffer))
)

// Wraps every registered codec to record which one kafkajs called and on how many bytes: the
// evidence that a batch really went through decompression.
let codecCalls = []
for (const type of Object.keys(CompressionCodecs)) {
  const factory = CompressionCodecs[type]
  CompressionCodecs[type] = () => {
    const codec = factory()
    return {
      compress: codec.compress,
      async decompress(buffer) {
        const out = await codec.decompress(buffer)
        codecCalls.push({
          codec: COMPRESSION_NAMES[type],
          compressedBytes: buffer.length,
          decompressedBytes: out.length,
        })
        return out
      },
    }
  }
}

const hex = buffer => (buffer === null || buffer === undefined ? null : buffer.toString('hex'))

function headersToJson(headers) {
  const out = {}
  for (const [key, value] of Object.entries(headers)) {
    out[key] = Array.isArray(value) ? value.map(hex) : hex(value)
  }
  return out
}

async function decodeBatch(file, position, batchBytes) {
  const magic = batchBytes.readInt8(MAGIC_POSITION)
  if (magic !== 2) {
    throw new Error(`${file}: batch at byte ${position} has magic ${magic}, expected 2`)
  }
  const storedCrc = batchBytes.readUInt32BE(CRC_POSITION)
  const computedCrc = crc32C(batchBytes.subarray(ATTRIBUTES_POSITION))
  const codecId = batchBytes.readInt16BE(ATTRIBUTES_POSITION) & COMPRESSION_CODEC_MASK

  codecCalls = []
  const batch = await decodeRecordBatch(new Decoder(batchBytes))
  const calls = codecCalls

  return {
    position,
    baseOffset: batch.firstOffset,
    batchLength: batchBytes.length - LOG_OVERHEAD,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    magic,
    crc: storedCrc,
    crcValid: storedCrc === computedCrc,
    compression: COMPRESSION_NAMES[codecId] || `unknown(${codecId})`,
    decompressedWith: calls,
    timestampType: batch.timestampType === 1 ? 'LogAppendTime' : 'CreateTime',
    isTransactional: batch.inTransaction,
    isControl: batch.isControlBatch,
    lastOffsetDelta: batch.lastOffsetDelta,
    firstTimestamp: batch.firstTimestamp,
    maxTimestamp: batch.maxTimestamp,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.firstSequence,
    records: batch.records.map(record => ({
      offset: record.offset,
      timestamp: record.timestamp,
      attributes: record.attributes,
      key: hex(record.key),
      value: hex(record.value),
      headers: headersToJson(record.headers),
    })),
  }
}

async function decodeSegment(file) {
  const bytes = fs.readFileSync(file)
  const batches = []
  let position = 0
  while (position < bytes.length) {
    if (bytes.length - position < LOG_OVERHEAD + MIN_BATCH_LENGTH) {
      throw new Error(`${file}: ${bytes.length - position} bytes at byte ${position} are too few for a batch`)
    }
    const batchLength = bytes.readInt32BE(position + 8)
    if (batchLength < MIN_BATCH_LENGTH) {
      throw new Error(`${file}: batch at byte ${position} has batchLength ${batchLength} < ${MIN_BATCH_LENGTH}`)
    }
    const end = position + LOG_OVERHEAD + batchLength
    if (end > bytes.length) {
      throw new Error(`${file}: batch at byte ${position} claims ${batchLength} bytes, the file ends ${end - bytes.length} bytes short`)
    }
    try {
      batches.push(await decodeBatch(file, position, bytes.subarray(position, end)))
    } catch (e) {
      throw new Error(`${file}: kafkajs failed on the batch at byte ${position}: ${e.message}`)
    }
    position = end
  }
  return { file: path.basename(file), size: bytes.length, batches }
}

module.exports = { decodeSegment }

if (require.main === module) {
  const files = process.argv.slice(2)
  if (files.length === 0) {
    console.error('usage: node decode_segment.js FILE.log [FILE.log...]')
    process.exit(2)
  }
  ;(async () => {
    const out = []
    for (const file of files) out.push(await decodeSegment(file))
    process.stdout.write(JSON.stringify(files.length === 1 ? out[0] : out, null, 2) + '\n')
  })().catch(e => {
    console.error(`decode_segment.js: ${e.message}`)
    process.exit(1)
  })
}
