package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

const (
	// uploadStall is how long an upload may go without a byte arriving;
	// a large file on a slow line may take long, but must keep moving.
	uploadStall = time.Minute
	// maxUploadField bounds each small text field sent with a file.
	maxUploadField = 4 << 10
	// maxUploadParts bounds how many parts a file upload may have.
	maxUploadParts = 16
	// localUploadDrained marks a request whose upload body was read to
	// its end, so the connection may serve another request.
	localUploadDrained = "upload_drained"
	// localCSRFInBody marks an upload route whose CSRF token is checked
	// as the first part of the body, by receiveUpload.
	localCSRFInBody = "csrf_in_body"
)

// upload is a file receiveUpload stored, with the small fields sent with it.
type upload struct {
	// Path is where the file is on disk (mode 0600 in the uploads
	// directory); the caller owns it and removes it when done.
	Path string
	// FileName is the name the browser gave, without directories.
	FileName string
	// Ext is FileName's extension in lower case (".csv").
	Ext string
	// Size is the file's size in bytes.
	Size int64
	// Fields are the text fields sent with the file.
	Fields map[string]string
}

// uploadProblem is an upload refused for a reason the person can fix;
// the page that took the upload shows Message with Status.
type uploadProblem struct {
	Status int
	Key    string
	Args   []any
}

func (p *uploadProblem) Error() string { return "web: upload refused: " + p.Key }

// message translates the problem for the request.
func (p *uploadProblem) message(c *fiber.Ctx) string { return tr(c, p.Key, p.Args...) }

// tooLarge is the problem of a file over the limit, both sizes named.
func (s *Server) tooLarge(c *fiber.Ctx, size int64) *uploadProblem {
	return &uploadProblem{Status: fiber.StatusRequestEntityTooLarge, Key: "upload.too_large",
		Args: []any{formatMB(size, lang(c)), formatMB(s.cfg.MaxUploadBytes, lang(c))}}
}

// receiveUpload reads a file upload (multipart/form-data) from the wire as
// it arrives and writes the file to the uploads directory, never holding
// it in memory. It runs in the route's handler, after the session and the
// role were checked. The CSRF token must be the body's first part (the
// upload forms put it first). A body announced larger than the limit is
// refused before a byte of it is read. Only files whose extension is in
// exts are accepted.
//
// Problems the person can fix come back as *uploadProblem; a wrong CSRF
// token as the 403 page error.
func (s *Server) receiveUpload(c *fiber.Ctx, prefix string, exts map[string]bool) (_ *upload, err error) {
	return s.receiveUploadUpTo(c, prefix, exts, s.cfg.MaxUploadBytes, func(size int64) *uploadProblem { return s.tooLarge(c, size) })
}

// receiveUploadUpTo is receiveUpload for files of at most limit bytes
// (below ARAUTO_MAX_UPLOAD_MB), tooBig saying so.
func (s *Server) receiveUploadUpTo(c *fiber.Ctx, prefix string, exts map[string]bool, limit int64, tooBig func(size int64) *uploadProblem) (_ *upload, err error) {
	if cl := int64(c.Request().Header.ContentLength()); cl > limit+uploadOverhead {
		return nil, tooBig(cl)
	}
	_, params, err := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	if err != nil || params["boundary"] == "" {
		return nil, &uploadProblem{Status: fiber.StatusBadRequest, Key: "lists.upload.no_file"}
	}
	var body io.Reader = c.Context().RequestBodyStream()
	if body == nil {
		body = bytes.NewReader(c.Body())
	}
	body = &stallReader{r: body, conn: c.Context().Conn()}
	mr := multipart.NewReader(body, params["boundary"])
	up := &upload{Fields: map[string]string{}}
	csrfPending := c.Locals(localCSRFInBody) == true
	defer func() {
		// A refused upload leaves no file behind.
		if err != nil && up.Path != "" {
			os.Remove(up.Path)
		}
	}()
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, s.readProblem(err)
		}
		if n >= maxUploadParts {
			return nil, &uploadProblem{Status: fiber.StatusBadRequest, Key: "upload.broken"}
		}
		name := part.FormName()
		if csrfPending {
			// Nothing is stored before the token is known to be right.
			if err := s.checkBodyCSRF(c, name, part); err != nil {
				return nil, err
			}
			csrfPending = false
			continue
		}
		if name != "file" || part.FileName() == "" {
			v, err := readField(part)
			if err != nil {
				return nil, s.readProblem(err)
			}
			up.Fields[name] = v
			continue
		}
		if up.Path != "" {
			return nil, &uploadProblem{Status: fiber.StatusBadRequest, Key: "upload.one_file"}
		}
		up.FileName = filepath.Base(strings.ReplaceAll(part.FileName(), `\`, "/"))
		up.Ext = strings.ToLower(filepath.Ext(up.FileName))
		if !exts[up.Ext] {
			return nil, &uploadProblem{Status: fiber.StatusUnprocessableEntity, Key: "lists.upload.format", Args: []any{up.FileName}}
		}
		if err := s.saveUploadPart(up, prefix, part, limit, tooBig); err != nil {
			return nil, err
		}
	}
	c.Locals(localUploadDrained, true)
	if up.Path == "" {
		return nil, &uploadProblem{Status: fiber.StatusUnprocessableEntity, Key: "lists.upload.no_file"}
	}
	return up, nil
}

// checkBodyCSRF checks the first part of an upload sent by a plain form:
// the CSRF token. (htmx sends it in a header, which csrf checks.)
func (s *Server) checkBodyCSRF(c *fiber.Ctx, name string, part *multipart.Part) error {
	got := ""
	if name == "_csrf" {
		var err error
		if got, err = readField(part); err != nil {
			return s.readProblem(err)
		}
	}
	rs := session(c)
	if rs == nil || !tokensEqual(got, rs.str(keyCSRF)) {
		s.log.Warn("csrf token missing or wrong", "request_id", requestID(c), "path", logPath(c.Path()))
		return &pageError{status: fiber.StatusForbidden, key: "error.csrf"}
	}
	return nil
}

// saveUploadPart copies the file part to a new file in the uploads
// directory, refusing it once it passes the limit.
func (s *Server) saveUploadPart(up *upload, prefix string, part *multipart.Part, limit int64, tooBig func(size int64) *uploadProblem) error {
	dir := filepath.Join(s.cfg.SharedDir, "uploads")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("web: upload dir: %w", err)
	}
	f, err := os.CreateTemp(dir, prefix+"*"+up.Ext)
	if err != nil {
		return fmt.Errorf("web: create upload file: %w", err)
	}
	up.Path = f.Name()
	n, err := io.Copy(f, io.LimitReader(part, limit+1))
	if cerr := f.Close(); err == nil && cerr != nil {
		return fmt.Errorf("web: write upload file: %w", cerr)
	}
	up.Size = n
	switch {
	case err != nil:
		var pathErr *os.PathError
		if errors.As(err, &pathErr) {
			return fmt.Errorf("web: write upload file: %w", err)
		}
		return s.readProblem(err)
	case n > limit:
		return tooBig(n)
	}
	return nil
}

// readProblem turns a failure to read the body into what the person sees.
func (s *Server) readProblem(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &uploadProblem{Status: fiber.StatusRequestTimeout, Key: "upload.stalled"}
	}
	return &uploadProblem{Status: fiber.StatusBadRequest, Key: "upload.broken"}
}

// readField reads a small text part.
func readField(part *multipart.Part) (string, error) {
	b, err := io.ReadAll(io.LimitReader(part, maxUploadField+1))
	if err != nil {
		return "", err
	}
	if len(b) > maxUploadField {
		b = b[:maxUploadField]
	}
	return string(b), nil
}

// uploadDrained reports whether receiveUpload read the body to its end.
func uploadDrained(c *fiber.Ctx) bool {
	return c.Locals(localUploadDrained) == true
}

// stallReader pushes the connection's read deadline forward as bytes
// arrive, so an upload may take as long as it keeps moving.
type stallReader struct {
	r        io.Reader
	conn     net.Conn
	extended time.Time
}

func (s *stallReader) Read(p []byte) (int, error) {
	if now := time.Now(); s.conn != nil && now.Sub(s.extended) > time.Second {
		s.conn.SetReadDeadline(now.Add(uploadStall))
		s.extended = now
	}
	return s.r.Read(p)
}

// formatMB writes a size in megabytes the way people read it: whole
// megabytes from 10 MB up, one decimal below ("1,5 MB" in Portuguese).
func formatMB(bytes int64, lang string) string {
	mb := float64(bytes) / (1 << 20)
	var s string
	switch {
	case mb >= 10:
		s = fmt.Sprintf("%.0f", mb)
	default:
		s = strings.TrimSuffix(fmt.Sprintf("%.1f", mb), ".0")
		if lang != "en" {
			s = strings.Replace(s, ".", ",", 1)
		}
	}
	return s + " MB"
}
