// The sweep journal: an append-only file of checksummed records beside the
// results file, the durable record of finished runs (an HDF5 file being
// written when the process is killed can be left unreadable; this cannot).
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>

#include "io/detail/output_file.hpp"
#include "sweep/detail/internal.hpp"

namespace geosim::sweep_detail {
namespace {

constexpr std::uint32_t kMagic = 0x4A534747;  // "GGSJ" little-endian
constexpr std::size_t kHeader = 4 + 4 + 8 + 8;
constexpr std::size_t kScanBlock = std::size_t{1} << 20;  // bytes read at a time when resynchronising
constexpr std::uint64_t kMaxPayload = std::uint64_t{1} << 34;

std::string os_error() { return std::system_category().message(errno); }

std::uint64_t checksum(std::uint32_t kind, std::uint64_t length, const char* payload) {
  std::uint64_t h = fnv1a64(&kind, sizeof kind);
  h = fnv1a64(&length, sizeof length, h);
  return fnv1a64(payload, length, h);
}

void write_all(int fd, const char* data, std::size_t size, const std::string& what) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw RuntimeFailure("cannot write the sweep journal " + what + ": " + hdf5::plain_write_error(errno) +
                           "; the runs it records are safe (once there is room, continue with --resume)");
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

bool read_exact(int fd, std::int64_t offset, char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::pread(fd, data, size, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
    offset += n;
  }
  return true;
}

std::vector<char> frame(std::uint32_t kind, const char* payload, std::size_t size) {
  std::vector<char> rec(kHeader + size);
  const std::uint64_t length = size, sum = checksum(kind, length, payload);
  std::memcpy(rec.data(), &kMagic, 4);
  std::memcpy(rec.data() + 4, &kind, 4);
  std::memcpy(rec.data() + 8, &length, 8);
  std::memcpy(rec.data() + 16, &sum, 8);
  if (size) std::memcpy(rec.data() + kHeader, payload, size);
  return rec;
}

/// Reads the record at `offset`; false if it is torn or corrupt.
bool read_record(int fd, std::int64_t offset, std::int64_t file_size, std::uint32_t& kind,
                 std::vector<char>& payload) {
  if (offset + static_cast<std::int64_t>(kHeader) > file_size) return false;
  char header[kHeader];
  if (!read_exact(fd, offset, header, kHeader)) return false;
  std::uint32_t magic = 0;
  std::uint64_t length = 0, sum = 0;
  std::memcpy(&magic, header, 4);
  std::memcpy(&kind, header + 4, 4);
  std::memcpy(&length, header + 8, 8);
  std::memcpy(&sum, header + 16, 8);
  if (magic != kMagic || length > kMaxPayload ||
      offset + static_cast<std::int64_t>(kHeader + length) > file_size)
    return false;
  payload.resize(length);
  if (length && !read_exact(fd, offset + static_cast<std::int64_t>(kHeader), payload.data(), length))
    return false;
  return checksum(kind, length, payload.data()) == sum;
}

/// The offset of the first intact record after `offset` (a record that
/// starts with the magic and passes its length and checksum), or -1 if none:
/// the resynchronisation after a corrupt record.
std::int64_t next_record(int fd, std::int64_t offset, std::int64_t file_size, std::vector<char>& payload) {
  std::vector<char> block(kScanBlock + 3);
  std::uint32_t kind = 0;
  for (std::int64_t start = offset + 1; start + static_cast<std::int64_t>(kHeader) <= file_size;
       start += static_cast<std::int64_t>(kScanBlock)) {
    const auto n = static_cast<std::size_t>(
        std::min<std::int64_t>(static_cast<std::int64_t>(block.size()), file_size - start));
    if (!read_exact(fd, start, block.data(), n)) return -1;
    for (std::size_t i = 0; i + 4 <= n && i < kScanBlock; ++i) {
      std::uint32_t magic = 0;
      std::memcpy(&magic, block.data() + i, 4);
      if (magic == kMagic && read_record(fd, start + static_cast<std::int64_t>(i), file_size, kind, payload))
        return start + static_cast<std::int64_t>(i);
    }
  }
  return -1;
}

}  // namespace

std::uint64_t fnv1a64(const void* data, std::size_t size, std::uint64_t hash) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) hash = (hash ^ p[i]) * 1099511628211ULL;
  return hash;
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

Journal::Journal(const std::filesystem::path& path, const std::string& identity, std::int64_t runs,
                 bool must_be_new)
    : path_(path), offsets_(static_cast<std::size_t>(runs), -1) {
  const SourceLocation where{path.string(), 0, 0};
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw OutputError(where, "-o", "cannot open the sweep journal: " + os_error());
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    throw OutputError(where, "-o", "another geosim sweep is writing this journal (it is locked)");
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) throw RuntimeFailure("cannot stat " + path.string() + ": " + os_error());
  const std::int64_t size = st.st_size;

  std::uint32_t kind = 0;
  std::vector<char> payload;
  bool fresh = size == 0;
  if (size > 0 && !read_record(fd_, 0, size, kind, payload)) {
    // No intact identity record. Killed while writing it (so no run had
    // finished): start afresh. Anything else is not our journal: refuse.
    char head[4] = {};
    std::uint32_t magic = 0;
    const bool ours =
        size < 4 || (read_exact(fd_, 0, head, 4) && (std::memcpy(&magic, head, 4), magic == kMagic));
    if (!ours || size > static_cast<std::int64_t>(kHeader + identity.size())) {
      ::close(fd_);
      fd_ = -1;
      throw OutputError(where, "-o",
                        "this file is not a geosim sweep journal; refusing to use or overwrite it");
    }
    if (::ftruncate(fd_, 0) != 0)
      throw RuntimeFailure("cannot truncate " + path.string() + ": " + os_error());
    fresh = true;
  }
  if (!fresh) {
    if (must_be_new) {
      ::close(fd_);
      fd_ = -1;
      throw OutputError(where, "-o",
                        "an unfinished sweep journal is in the way; continue it with --resume, or remove it "
                        "to start again");
    }
    if (!read_record(fd_, 0, size, kind, payload) || kind != kIdentityRecord ||
        std::string(payload.begin(), payload.end()) != identity) {
      ::close(fd_);
      fd_ = -1;
      const std::string before(payload.begin(), payload.end());
      throw OutputError(where, "-o",
                        "this journal belongs to another sweep (" +
                            (kind == kIdentityRecord ? identity_difference(before, identity)
                                                     : std::string("its first record is unreadable")) +
                            "); refusing to use or overwrite it (remove it, or write elsewhere with -o)");
    }
    std::int64_t offset = static_cast<std::int64_t>(kHeader + payload.size());
    for (;;) {
      if (!read_record(fd_, offset, size, kind, payload)) {
        // A corrupt record (a flipped bit, a bad sector) followed by intact
        // ones: skip it and go on from the next record. None after it: the
        // torn end of a write cut short, dropped below.
        const std::int64_t next = next_record(fd_, offset, size, payload);
        if (next < 0) break;
        skipped_.emplace_back(offset, next);
        offset = next;
        continue;  // read again at `next` (it passed its checksum)
      }
      const std::int64_t next = offset + static_cast<std::int64_t>(kHeader + payload.size());
      if ((kind == kRunRecord || kind == kFailedRunRecord) && payload.size() >= 8) {
        std::uint64_t run = 0;
        std::memcpy(&run, payload.data(), 8);
        if (run < offsets_.size() && offsets_[run] < 0) {
          offsets_[run] = offset;
          ++recovered_;
          if (kind == kFailedRunRecord) ++failed_;
        }
      }
      offset = next;
    }
    end_ = offset;
    dropped_bytes_ = static_cast<std::size_t>(size - offset);
    if (dropped_bytes_ > 0 && ::ftruncate(fd_, offset) != 0)
      throw RuntimeFailure("cannot truncate the torn end of " + path.string() + ": " + os_error());
  } else {
    const std::vector<char> rec = frame(kIdentityRecord, identity.data(), identity.size());
    write_all(fd_, rec.data(), rec.size(), path.string());
    end_ = static_cast<std::int64_t>(rec.size());
    sync();
    // The journal's directory entry must survive too.
    const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      (void)::fsync(dfd);
      ::close(dfd);
    }
  }
  if (::lseek(fd_, end_, SEEK_SET) < 0)
    throw RuntimeFailure("cannot seek in " + path.string() + ": " + os_error());
  count_ = recovered_;
  last_sync_ = now_seconds();
}

Journal::~Journal() {
  if (fd_ >= 0) {
    (void)::fdatasync(fd_);
    ::close(fd_);
  }
}

void Journal::append(std::uint32_t kind, const std::vector<char>& payload) {
  if ((kind != kRunRecord && kind != kFailedRunRecord) || payload.size() < 8)
    throw RuntimeFailure("internal error: bad journal record");
  std::uint64_t run = 0;
  std::memcpy(&run, payload.data(), 8);
  if (run >= offsets_.size()) throw RuntimeFailure("internal error: journal record for run out of range");
  if (offsets_[run] >= 0) return;  // already recorded (identical by construction)
  const std::vector<char> rec = frame(kind, payload.data(), payload.size());
  try {
    write_all(fd_, rec.data(), rec.size(), path_.string());
  } catch (const RuntimeFailure&) {
    // Best effort: no torn record at the end (--resume would drop it anyway).
    if (::ftruncate(fd_, end_) == 0) (void)::lseek(fd_, end_, SEEK_SET);
    throw;
  }
  offsets_[run] = end_;
  end_ += static_cast<std::int64_t>(rec.size());
  ++count_;
  if (kind == kFailedRunRecord) ++failed_;
  if (++unsynced_ >= kSyncEvery || now_seconds() - last_sync_ >= kSyncSeconds) sync();
}

void Journal::sync() {
  if (::fdatasync(fd_) != 0) throw RuntimeFailure("cannot sync " + path_.string() + ": " + os_error());
  unsynced_ = 0;
  last_sync_ = now_seconds();
}

void Journal::sync_if_due() {
  if (unsynced_ > 0 && now_seconds() - last_sync_ >= kSyncSeconds) sync();
}

std::uint32_t Journal::read(std::int64_t run, std::vector<char>& payload) const {
  const std::int64_t offset = offsets_.at(static_cast<std::size_t>(run));
  std::uint32_t kind = 0;
  if (offset < 0 || !read_record(fd_, offset, end_, kind, payload) ||
      (kind != kRunRecord && kind != kFailedRunRecord))
    throw RuntimeFailure("the journal " + path_.string() + " lost the record of run " + std::to_string(run));
  return kind;
}

void Journal::remove() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

}  // namespace geosim::sweep_detail
