#!/usr/bin/env node
// Compares what kafkajs decodes from ksim's .log files with what ksim itself read back.
// Usage: node check_segments.js DIR   (DIR as written by ksim_interop_write_segments: partition
// directories, each with a `<partition>.expected.json` beside it)
//
// For every partition: the .log files are exactly the segments ksim lists, each named after its
// first batch's base offset; kafkajs decodes every batch of every file (decode_segment.js), and
// every batch header field, every CRC (via kafkajs's CRC-32C), the codec kafkajs ran, and every
// record's offset, timestamp, key, value and headers must equal ksim's. Then, as a control, a
// copy of one segment with a single value byte flipped must make the check fail.
'use strict'

const fs = require('fs')
const path = require('path')
const { isDeepStrictEqual } = require('util')
const { decodeSegment } = require('./decode_segment')

const MIN_SEGMENTS = 3
const HEADER_FIELDS = [
  'baseOffset', 'batchLength', 'partitionLeaderEpoch', 'magic', 'crc', 'compression',
  'timestampType', 'isTransactional', 'isControl', 'lastOffsetDelta', 'firstTimestamp',
  'maxTimestamp', 'producerId', 'producerEpoch', 'baseSequence',
]

// kafkajs hands headers back as an object; a key that occurs more than once maps to the array
// of its values in order. ksim's header list is folded the same way.
function foldHeaders(pairs) {
  const out = {}
  for (const [key, value] of pairs) {
    if (!(key in out)) out[key] = value
    else if (Array.isArray(out[key])) out[key].push(value)
    else out[key] = [out[key], value]
  }
  return out
}

// JSON for a message, long hex strings cut to their first 40 bytes.
const show = v =>
  JSON.stringify(v, (k, x) =>
    typeof x === 'string' && x.length > 80 ? `${x.slice(0, 80)}...(${x.length / 2} bytes)` : x
  )

// For two hex strings: where the bytes first differ, and both lengths.
function firstDifference(got, want) {
  if (typeof got !== 'string' || typeof want !== 'string') return ''
  let i = 0
  while (i < got.length && i < want.length && got[i] === want[i]) i++
  return ` (${got.length / 2} and ${want.length / 2} bytes, first difference at byte ${Math.floor(i / 2)})`
}

function compareSegment(where, expected, decoded, problems) {
  if (decoded.size !== expected.size) {
    problems.push(`${where}: file has ${decoded.size} bytes, ksim says ${expected.size}`)
  }
  if (decoded.batches.length !== expected.batches.length) {
    problems.push(`${where}: kafkajs found ${decoded.batches.length} batches, ksim ${expected.batches.length}`)
    return
  }
  if (expected.batches.length > 0 && expected.file !== `${expected.batches[0].baseOffset.padStart(20, '0')}.log`) {
    problems.push(`${where}: not named after its first batch's base offset ${expected.batches[0].baseOffset}`)
  }
  expected.batches.forEach((want, i) => {
    const got = decoded.batches[i]
    const at = `${where} batch ${i} (byte ${got.position}, base offset ${want.baseOffset})`
    for (const field of HEADER_FIELDS) {
      if (!isDeepStrictEqual(got[field], want[field])) {
        problems.push(`${at}: ${field} is ${show(got[field])} for kafkajs, ${show(want[field])} for ksim`)
      }
    }
    if (!got.crcValid) problems.push(`${at}: the stored CRC does not match kafkajs's CRC-32C`)
    const codecs = got.decompressedWith.map(call => call.codec)
    const wantCodecs = want.compression === 'none' ? [] : [want.compression]
    if (!isDeepStrictEqual(codecs, wantCodecs)) {
      problems.push(`${at}: kafkajs ran codecs ${show(codecs)}, expected ${show(wantCodecs)}`)
    }
    if (got.records.length !== want.lastOffsetDelta + 1) {
      problems.push(`${at}: ${got.records.length} records but lastOffsetDelta ${want.lastOffsetDelta}`)
    }
    if (got.records.length !== want.records.length) {
      problems.push(`${at}: kafkajs decoded ${got.records.length} records, ksim ${want.records.length}`)
      return
    }
    want.records.forEach((wantRecord, j) => {
      const gotRecord = got.records[j]
      const fields = {
        offset: [gotRecord.offset, wantRecord.offset],
        timestamp: [gotRecord.timestamp, wantRecord.timestamp],
        attributes: [gotRecord.attributes, 0],
        key: [gotRecord.key, wantRecord.key],
        value: [gotRecord.value, wantRecord.value],
        headers: [gotRecord.headers, foldHeaders(wantRecord.headers)],
      }
      for (const [field, [g, w]] of Object.entries(fields)) {
        if (!isDeepStrictEqual(g, w)) {
          problems.push(`${at} record ${j}: ${field} is ${show(g)} for kafkajs, ${show(w)} for ksim${firstDifference(g, w)}`)
        }
      }
    })
  })
}

async function checkPartition(dir, expectedFile) {
  const expected = JSON.parse(fs.readFileSync(expectedFile, 'utf8'))
  const partitionDir = path.join(dir, expected.partition)
  const problems = []
  const logFiles = fs.readdirSync(partitionDir).filter(name => name.endsWith('.log')).sort()
  const expectedFiles = expected.segments.map(s => s.file)
  if (!isDeepStrictEqual(logFiles, expectedFiles)) {
    problems.push(`${expected.partition}: .log files ${show(logFiles)}, ksim lists ${show(expectedFiles)}`)
    return { problems }
  }
  if (logFiles.length < MIN_SEGMENTS) {
    problems.push(`${expected.partition}: only ${logFiles.length} segments, the test wants ${MIN_SEGMENTS} or more`)
  }
  const stats = { segments: logFiles.length, batches: 0, records: 0, decompressions: 0 }
  for (const segment of expected.segments) {
    const decoded = await decodeSegment(path.join(partitionDir, segment.file))
    compareSegment(`${expected.partition}/${segment.file}`, segment, decoded, problems)
    stats.batches += decoded.batches.length
    for (const b of decoded.batches) {
      stats.records += b.records.length
      stats.decompressions += b.decompressedWith.length
    }
  }
  return { problems, stats, compression: expected.compression, expected }
}

// The control: the comparison must notice one flipped byte inside a record value (kafkajs then
// decodes a different value, and the CRC no longer matches).
async function controlCheck(dir, partition, expected) {
  const hasValue = r => r.value && r.value.length >= 4 // two bytes or more
  const segment = expected.segments.find(s => s.batches.some(b => b.records.some(hasValue)))
  const source = path.join(dir, partition, segment.file)
  const bytes = fs.readFileSync(source)
  const valueHex = segment.batches.flatMap(b => b.records).find(hasValue).value
  const at = bytes.indexOf(Buffer.from(valueHex, 'hex'))
  if (at < 0) throw new Error(`control: the value ${valueHex} is not in ${source} as is`)
  bytes[at] ^= 0x01
  const copy = path.join(dir, 'control-corrupted.log')
  fs.writeFileSync(copy, bytes)
  const problems = []
  compareSegment(`control ${segment.file}`, segment, await decodeSegment(copy), problems)
  const sawCrc = problems.some(p => p.includes('CRC'))
  const sawValue = problems.some(p => p.includes('value is'))
  if (!sawCrc || !sawValue) {
    throw new Error(`control: a flipped value byte in ${segment.file} went unnoticed (${show(problems)})`)
  }
}

async function main() {
  const dir = process.argv[2]
  if (!dir) {
    console.error('usage: node check_segments.js DIR')
    process.exit(2)
  }
  const expectedFiles = fs.readdirSync(dir).filter(n => n.endsWith('.expected.json')).sort()
  if (expectedFiles.length === 0) throw new Error(`no *.expected.json in ${dir}`)
  let passed = 0
  let failed = 0
  let uncompressed
  for (const name of expectedFiles) {
    const { problems, stats, compression, expected } = await checkPartition(dir, path.join(dir, name))
    const partition = name.replace(/\.expected\.json$/, '')
    if (problems.length === 0) {
      passed++
      console.log(`ok   ${partition}: ${stats.segments} segments, ${stats.batches} batches, ${stats.records} records ` +
        `match kafkajs (${compression}; kafkajs decompressed ${stats.decompressions} batches)`)
      if (compression === 'none' && !uncompressed) uncompressed = { partition, expected }
    } else {
      failed++
      console.log(`FAIL ${partition}: ${problems.length} differences`)
      for (const p of problems.slice(0, 20)) console.log(`     ${p}`)
      if (problems.length > 20) console.log(`     ... and ${problems.length - 20} more`)
    }
  }
  if (uncompressed) {
    await controlCheck(dir, uncompressed.partition, uncompressed.expected)
    console.log(`ok   control: a flipped value byte in ${uncompressed.partition} is caught (value and CRC)`)
    passed++
  } else {
    console.log('FAIL control: no uncompressed partition to corrupt')
    failed++
  }
  console.log(`interop: ${passed} passed, ${failed} failed`)
  process.exit(failed === 0 ? 0 : 1)
}

main().catch(e => {
  console.error(`check_segments.js: ${e.message}`)
  process.exit(1)
})
