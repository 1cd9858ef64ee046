package sandbox

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"path"
	"sync"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// SFTPOptions configures the sandbox's SFTP server.
type SFTPOptions struct {
	// Username and Password are the accepted credentials; empty means the
	// sandbox's Options.Username and Options.Token.
	Username, Password string
	// HostKey is the server's key; nil generates a new ed25519 key, so a
	// restarted sandbox presents a different key (a client that pinned the
	// old one must refuse it).
	HostKey ssh.Signer
	// ProcessDelay is how long a file waits in upload before it is
	// processed (0: at once), to mimic a busy Wavy.
	ProcessDelay time.Duration
}

// SFTPServer is the sandbox's SFTP door: an SSH server with the sftp
// subsystem over an in-memory home with upload, success and error. Files
// landing in upload are processed like Wavy does (see processSFTPFile).
type SFTPServer struct {
	sb     *Sandbox
	fs     *memFS
	conf   *ssh.ServerConfig
	signer ssh.Signer
	ln     net.Listener
	delay  time.Duration
	queue  chan landedFile

	mu     sync.Mutex
	refuse string // while set, every file is refused with this reason
	conns  map[net.Conn]struct{}
	closed bool
	done   chan struct{}
	wg     sync.WaitGroup
}

// ServeSFTP serves the SFTP door on ln until Close. Messages of processed
// files enter the same ledger, with the same carriers, outcomes and status
// webhooks, as those sent over HTTPS.
func (s *Sandbox) ServeSFTP(ln net.Listener, o SFTPOptions) (*SFTPServer, error) {
	if o.Username == "" {
		o.Username = s.opts.Username
	}
	if o.Password == "" {
		o.Password = s.opts.Token
	}
	if o.HostKey == nil {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("sandbox: sftp host key: %w", err)
		}
		if o.HostKey, err = ssh.NewSignerFromKey(key); err != nil {
			return nil, fmt.Errorf("sandbox: sftp host key: %w", err)
		}
	}
	v := &SFTPServer{sb: s, signer: o.HostKey, ln: ln, delay: o.ProcessDelay,
		queue: make(chan landedFile, 4096), conns: map[net.Conn]struct{}{}, done: make(chan struct{})}
	v.fs = newMemFS(s.now, v.enqueue)
	user, pass := []byte(o.Username), []byte(o.Password)
	v.conf = &ssh.ServerConfig{
		PasswordCallback: func(c ssh.ConnMetadata, p []byte) (*ssh.Permissions, error) {
			okUser := subtle.ConstantTimeCompare([]byte(c.User()), user) == 1
			okPass := subtle.ConstantTimeCompare(p, pass) == 1
			if okUser && okPass {
				return nil, nil
			}
			return nil, errors.New("invalid username or password")
		},
	}
	v.conf.AddHostKey(o.HostKey)
	v.wg.Add(2)
	go v.acceptLoop()
	go v.processLoop()
	return v, nil
}

// Addr is the address the server listens on.
func (v *SFTPServer) Addr() net.Addr { return v.ln.Addr() }

// Fingerprint is the SHA256 fingerprint of the host key, as ssh-keygen -l
// prints it.
func (v *SFTPServer) Fingerprint() string { return ssh.FingerprintSHA256(v.signer.PublicKey()) }

// Files lists the names in a directory of the home ("/upload", ...).
func (v *SFTPServer) Files(dir string) []string { return v.fs.list(path.Clean("/" + dir)) }

// ReadFile returns a file of the home ("/error/x.txt.log", ...).
func (v *SFTPServer) ReadFile(p string) ([]byte, bool) { return v.fs.read(path.Clean("/" + p)) }

// DropConnections cuts every open connection, as a network failure would,
// and reports how many there were.
func (v *SFTPServer) DropConnections() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	n := len(v.conns)
	for c := range v.conns {
		c.Close()
	}
	return n
}

// SetRefuse makes the server refuse every file it processes with reason
// (as Wavy would for an account problem); "" processes files again.
func (v *SFTPServer) SetRefuse(reason string) {
	v.mu.Lock()
	v.refuse = reason
	v.mu.Unlock()
}

// Close stops listening, cuts the connections and waits for the server's
// goroutines; files waiting in upload are left unprocessed.
func (v *SFTPServer) Close() error {
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return nil
	}
	v.closed = true
	close(v.done)
	err := v.ln.Close()
	for c := range v.conns {
		c.Close()
	}
	v.mu.Unlock()
	v.wg.Wait()
	return err
}

func (v *SFTPServer) acceptLoop() {
	defer v.wg.Done()
	for {
		c, err := v.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		v.mu.Lock()
		if v.closed {
			v.mu.Unlock()
			c.Close()
			return
		}
		v.conns[c] = struct{}{}
		v.wg.Add(1)
		v.mu.Unlock()
		go func() {
			defer v.wg.Done()
			v.serveConn(c)
			v.mu.Lock()
			delete(v.conns, c)
			v.mu.Unlock()
			c.Close()
		}()
	}
}

// serveConn runs the SSH handshake and the sftp subsystem of every
// session channel of one connection.
func (v *SFTPServer) serveConn(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	sc, chans, reqs, err := ssh.NewServerConn(c, v.conf)
	if err != nil {
		v.sb.log.Debug("sandbox: sftp handshake failed", "remote", c.RemoteAddr().String(), "err", err)
		return
	}
	_ = c.SetDeadline(time.Time{})
	defer sc.Close()
	go ssh.DiscardRequests(reqs)
	var wg sync.WaitGroup
	defer wg.Wait()
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "only session channels")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer ch.Close()
			for req := range creqs {
				ok := req.Type == "subsystem" && len(req.Payload) >= 4 && string(req.Payload[4:]) == "sftp"
				_ = req.Reply(ok, nil)
				if !ok {
					continue
				}
				go func() {
					for r := range creqs {
						_ = r.Reply(false, nil)
					}
				}()
				rs := sftp.NewRequestServer(ch, v.fs.handlers())
				_ = rs.Serve()
				rs.Close()
				return
			}
		}()
	}
}

// landedFile is a file waiting in upload since at.
type landedFile struct {
	name string
	at   time.Time
}

// enqueue schedules a file that landed in upload for processing.
func (v *SFTPServer) enqueue(name string) {
	select {
	case v.queue <- landedFile{name: name, at: time.Now()}:
	case <-v.done:
	}
}

func (v *SFTPServer) processLoop() {
	defer v.wg.Done()
	for {
		select {
		case <-v.done:
			return
		case lf := <-v.queue:
			if wait := time.Until(lf.at.Add(v.delay)); wait > 0 {
				t := time.NewTimer(wait)
				select {
				case <-v.done:
					t.Stop()
					return
				case <-t.C:
				}
			}
			v.process(lf.name)
		}
	}
}
