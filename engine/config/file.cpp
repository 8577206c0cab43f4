// Reading an input file (config/node.hpp: read_file). Only a regular file of
// at most kMaxInputFileBytes is read: a FIFO, a device (/dev/zero) or a
// directory would block or never end, and a huge file would be read whole
// into memory before the parser could refuse it.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "geosim/config/node.hpp"

namespace geosim::config {

namespace {

std::string kind_of(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a file";
}

// The regular-file and size checks, on the path (before opening) and again on
// the open descriptor (the path may have been replaced in between).
void check_status(const struct stat& st, const SourceLocation& where) {
  if (S_ISDIR(st.st_mode))
    throw FileError(where, "", "is a directory, not a regular file (expected a YAML file)");
  if (!S_ISREG(st.st_mode))
    throw FileError(where, "",
                    "is not a regular file (it is " + kind_of(st.st_mode) + "; expected a YAML file)");
  if (st.st_size > static_cast<off_t>(kMaxInputFileBytes))
    throw FileError(where, "",
                    "is larger than the limit of " + std::to_string(kMaxInputFileBytes) + " bytes (" +
                        std::to_string(st.st_size) + " bytes)");
}

struct Descriptor {
  int fd;
  ~Descriptor() { ::close(fd); }
};

}  // namespace

std::string read_file(const std::filesystem::path& path) {
  const SourceLocation where{path.string(), 0, 0};
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) throw FileError(where, "", "no such file");
    throw FileError(where, "", std::string("cannot read the file: ") + std::strerror(errno));
  }
  check_status(st, where);
  // O_NONBLOCK: were the path swapped for a FIFO after stat, open would wait for a writer.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    throw FileError(where, "", std::string("cannot open the file for reading: ") + std::strerror(errno));
  const Descriptor guard{fd};
  if (::fstat(fd, &st) != 0) throw FileError(where, "", "cannot open the file for reading");
  check_status(st, where);
  // Read to the end, never past the limit (a file may grow, /proc files report size 0).
  std::string text;
  text.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[65536];
  while (true) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw FileError(where, "", std::string("error while reading the file: ") + std::strerror(errno));
    }
    if (got == 0) break;
    if (text.size() + static_cast<std::size_t>(got) > kMaxInputFileBytes)
      throw FileError(where, "",
                      "is larger than the limit of " + std::to_string(kMaxInputFileBytes) + " bytes");
    text.append(buffer, static_cast<std::size_t>(got));
  }
  return text;
}

}  // namespace geosim::config
