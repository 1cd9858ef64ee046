package sandbox

import (
	"io"
	"os"
	"path"
	"sort"
	"sync"
	"time"

	"github.com/pkg/sftp"
)

// The directories of Wavy's SFTP home (seeds 000, "API SFTP"): files are
// put in upload and moved to success or error once processed.
const (
	SFTPUploadDir  = "/upload"
	SFTPSuccessDir = "/success"
	SFTPErrorDir   = "/error"
)

// SFTPErrorSuffix names the detail the sandbox writes beside a refused
// file: error/<name> + SFTPErrorSuffix, one problem per line. The seeds do
// not say whether Wavy writes one; the client reads it when present.
const SFTPErrorSuffix = ".log"

// maxSFTPFileBytes bounds one file the sandbox accepts (about a million
// SMS rows); writes past it fail, as a quota would.
const maxSFTPFileBytes = 256 << 20

// memFS is the in-memory home directory the sandbox's SFTP server serves:
// "/" with upload, success and error, plain files only.
type memFS struct {
	mu    sync.Mutex
	files map[string]*memFile
	now   func() time.Time
	// landed is told the name of every file that lands in upload (renamed
	// there or written there and closed); it must not block.
	landed func(name string)
}

type memFile struct {
	name string
	dir  bool
	data []byte
	mod  time.Time
}

func newMemFS(now func() time.Time, landed func(string)) *memFS {
	fs := &memFS{files: map[string]*memFile{}, now: now, landed: landed}
	for _, d := range []string{"/", SFTPUploadDir, SFTPSuccessDir, SFTPErrorDir} {
		fs.files[d] = &memFile{name: path.Base(d), dir: true, mod: now()}
	}
	return fs
}

func (fs *memFS) handlers() sftp.Handlers {
	return sftp.Handlers{FileGet: fs, FilePut: fs, FileCmd: fs, FileList: fs}
}

// parentDirLocked reports whether p's directory exists.
func (fs *memFS) parentDirLocked(p string) bool {
	d, ok := fs.files[path.Dir(p)]
	return ok && d.dir
}

// Fileread serves a snapshot of a file.
func (fs *memFS) Fileread(r *sftp.Request) (io.ReaderAt, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f, ok := fs.files[r.Filepath]
	if !ok {
		return nil, os.ErrNotExist
	}
	if f.dir {
		return nil, sftp.ErrSSHFxFailure
	}
	return &snapshot{data: f.data}, nil
}

type snapshot struct{ data []byte }

func (s *snapshot) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(s.data)) {
		return 0, io.EOF
	}
	n := copy(p, s.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Filewrite opens a file for writing; its content replaces the file's
// when the handle is closed. The processed directories are read-only, as
// they are for a client of Wavy.
func (fs *memFS) Filewrite(r *sftp.Request) (io.WriterAt, error) {
	p := r.Filepath
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if !fs.parentDirLocked(p) {
		return nil, os.ErrNotExist
	}
	if d := path.Dir(p); d == SFTPSuccessDir || d == SFTPErrorDir {
		return nil, os.ErrPermission
	}
	f, ok := fs.files[p]
	if ok && f.dir {
		return nil, sftp.ErrSSHFxFailure
	}
	w := &memWriter{fs: fs, path: p}
	if ok && !r.Pflags().Trunc {
		w.buf = append([]byte(nil), f.data...)
	}
	if !ok {
		fs.files[p] = &memFile{name: path.Base(p), mod: fs.now()}
	}
	return w, nil
}

// memWriter buffers one open handle's writes.
type memWriter struct {
	fs   *memFS
	path string
	mu   sync.Mutex
	buf  []byte
	err  error
}

func (w *memWriter) WriteAt(p []byte, off int64) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	end := off + int64(len(p))
	if off < 0 || end > maxSFTPFileBytes {
		w.err = sftp.ErrSSHFxFailure
		return 0, w.err
	}
	if end > int64(len(w.buf)) {
		if end > int64(cap(w.buf)) {
			nb := make([]byte, end, max(end, int64(cap(w.buf))*2))
			copy(nb, w.buf)
			w.buf = nb
		} else {
			w.buf = w.buf[:end]
		}
	}
	copy(w.buf[off:], p)
	return len(p), nil
}

// Close commits the content; a file closed in upload is processed.
func (w *memWriter) Close() error {
	w.mu.Lock()
	data, err := w.buf, w.err
	w.mu.Unlock()
	if err != nil {
		return err
	}
	fs := w.fs
	fs.mu.Lock()
	f, ok := fs.files[w.path]
	if ok && !f.dir {
		f.data, f.mod = data, fs.now()
	}
	fs.mu.Unlock()
	if ok && path.Dir(w.path) == SFTPUploadDir && fs.landed != nil {
		fs.landed(path.Base(w.path))
	}
	return nil
}

// Filecmd renames, removes and makes directories. Rename refuses to
// replace a file (as OpenSSH's server does); PosixRename replaces it.
func (fs *memFS) Filecmd(r *sftp.Request) error {
	switch r.Method {
	case "Rename":
		return fs.rename(r.Filepath, r.Target, false)
	case "Remove":
		fs.mu.Lock()
		defer fs.mu.Unlock()
		f, ok := fs.files[r.Filepath]
		if !ok {
			return os.ErrNotExist
		}
		if f.dir {
			return sftp.ErrSSHFxFailure
		}
		delete(fs.files, r.Filepath)
		return nil
	case "Mkdir":
		fs.mu.Lock()
		defer fs.mu.Unlock()
		if _, ok := fs.files[r.Filepath]; ok || !fs.parentDirLocked(r.Filepath) {
			return sftp.ErrSSHFxFailure
		}
		fs.files[r.Filepath] = &memFile{name: path.Base(r.Filepath), dir: true, mod: fs.now()}
		return nil
	case "Setstat":
		return nil
	}
	return sftp.ErrSSHFxOpUnsupported
}

// PosixRename is the posix-rename@openssh.com extension.
func (fs *memFS) PosixRename(r *sftp.Request) error { return fs.rename(r.Filepath, r.Target, true) }

func (fs *memFS) rename(from, to string, replace bool) error {
	fs.mu.Lock()
	f, ok := fs.files[from]
	switch {
	case !ok:
		fs.mu.Unlock()
		return os.ErrNotExist
	case f.dir || !fs.parentDirLocked(to):
		fs.mu.Unlock()
		return sftp.ErrSSHFxFailure
	}
	if d := path.Dir(to); d == SFTPSuccessDir || d == SFTPErrorDir {
		fs.mu.Unlock()
		return os.ErrPermission
	}
	if old, exists := fs.files[to]; exists && (!replace || old.dir) {
		fs.mu.Unlock()
		return sftp.ErrSSHFxFailure
	}
	delete(fs.files, from)
	f.name = path.Base(to)
	fs.files[to] = f
	fs.mu.Unlock()
	if path.Dir(to) == SFTPUploadDir && path.Dir(from) != SFTPUploadDir && fs.landed != nil {
		fs.landed(path.Base(to))
	}
	return nil
}

// move is the processor's own rename: it may replace a file.
func (fs *memFS) move(from, to string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f, ok := fs.files[from]; ok {
		delete(fs.files, from)
		f.name, f.mod = path.Base(to), fs.now()
		fs.files[to] = f
	}
}

// put writes a whole file (the processor's error details).
func (fs *memFS) put(p string, data []byte) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.files[p] = &memFile{name: path.Base(p), data: data, mod: fs.now()}
}

// read returns a file's content.
func (fs *memFS) read(p string) ([]byte, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f, ok := fs.files[p]
	if !ok || f.dir {
		return nil, false
	}
	return f.data, true
}

// list returns the names in a directory, sorted.
func (fs *memFS) list(dir string) []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var names []string
	for p := range fs.files {
		if p != "/" && path.Dir(p) == dir {
			names = append(names, path.Base(p))
		}
	}
	sort.Strings(names)
	return names
}

// Filelist lists directories and stats files.
func (fs *memFS) Filelist(r *sftp.Request) (sftp.ListerAt, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f, ok := fs.files[r.Filepath]
	if !ok {
		return nil, os.ErrNotExist
	}
	switch r.Method {
	case "Stat", "Lstat":
		return listerAt{f.info()}, nil
	case "List":
		if !f.dir {
			return nil, sftp.ErrSSHFxFailure
		}
		var infos []os.FileInfo
		for p, e := range fs.files {
			if p != "/" && path.Dir(p) == r.Filepath {
				infos = append(infos, e.info())
			}
		}
		sort.Slice(infos, func(i, j int) bool { return infos[i].Name() < infos[j].Name() })
		return listerAt(infos), nil
	}
	return nil, sftp.ErrSSHFxOpUnsupported
}

func (f *memFile) info() os.FileInfo {
	return fileInfo{name: f.name, size: int64(len(f.data)), dir: f.dir, mod: f.mod}
}

type listerAt []os.FileInfo

func (l listerAt) ListAt(dst []os.FileInfo, off int64) (int, error) {
	if off >= int64(len(l)) {
		return 0, io.EOF
	}
	n := copy(dst, l[off:])
	if n < len(dst) {
		return n, io.EOF
	}
	return n, nil
}

type fileInfo struct {
	name string
	size int64
	dir  bool
	mod  time.Time
}

func (fi fileInfo) Name() string { return fi.name }
func (fi fileInfo) Size() int64  { return fi.size }
func (fi fileInfo) Mode() os.FileMode {
	if fi.dir {
		return os.ModeDir | 0o755
	}
	return 0o644
}
func (fi fileInfo) ModTime() time.Time { return fi.mod }
func (fi fileInfo) IsDir() bool        { return fi.dir }
func (fi fileInfo) Sys() any           { return nil }
