package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// identities are the users of the token file; their permissions are bootstrapped in rbac.go.
var identities = []struct{ user, groups string }{
	{"admin", "system:masters"},
	{"cluster-reader", ""},
	{"namespace-reader", ""},
	{"list-only", ""},
	{"nobody", ""},
	// scratch has no permissions of its own: tests grant and revoke them at run time.
	{"scratch", ""},
}

type harness struct {
	dir, self       string
	etcdURL         string
	apiPort         int
	tokens          map[string]string
	etcd, apiserver *exec.Cmd
	apiExited       chan error
}

func runUp(args []string) error {
	fs := flag.NewFlagSet("up", flag.ExitOnError)
	dir := fs.String("dir", "", "state directory (default: a new temporary directory)")
	keep := fs.Bool("keep", false, "keep the state directory on exit")
	stopOnStdinClose := fs.Bool("stop-on-stdin-close", false, "stop when standard input closes (the parent process died)")
	_ = fs.Parse(args)

	h := &harness{dir: *dir, tokens: map[string]string{}}
	if h.dir == "" {
		d, err := os.MkdirTemp("", "podreasons-apiserver-")
		if err != nil {
			return err
		}
		h.dir = d
	} else if err := os.MkdirAll(h.dir, 0o700); err != nil {
		return err
	}
	if !*keep {
		defer os.RemoveAll(h.dir)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	h.self = self

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer h.stopAll()
	if *stopOnStdinClose {
		// A test runner that is killed cannot stop us: its end closes our stdin instead.
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			signals <- syscall.SIGTERM
		}()
	}

	if err := h.prepare(); err != nil {
		return err
	}
	if err := h.startEtcd(); err != nil {
		return err
	}
	if err := h.startAPIServer(); err != nil {
		return err
	}
	if err := bootstrapRBAC(h.apiURL(), h.tokens["admin"]); err != nil {
		return fmt.Errorf("bootstrap RBAC: %w", err)
	}
	kubeconfig, err := h.writeKubeconfig()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(h.dir, "up.pid"), []byte(fmt.Sprint(os.Getpid())), 0o600); err != nil {
		return err
	}
	generation := 1
	h.writeGeneration(generation)
	fmt.Printf("READY kubeconfig=%s\n", kubeconfig)

	for {
		select {
		case sig := <-signals:
			if sig != syscall.SIGHUP {
				return nil
			}
			// Restart only the API server: etcd keeps the data, clients must relist or resume.
			h.stopAPIServer()
			if err := h.startAPIServer(); err != nil {
				return err
			}
			generation++
			h.writeGeneration(generation)
			fmt.Printf("READY kubeconfig=%s\n", kubeconfig)
		case err := <-h.apiExited:
			return fmt.Errorf("kube-apiserver exited unexpectedly (%v); see %s", err, filepath.Join(h.dir, "apiserver.log"))
		}
	}
}

// writeGeneration counts API server starts, so that a client that sent SIGHUP can tell
// when the restarted server is ready.
func (h *harness) writeGeneration(n int) {
	_ = os.WriteFile(filepath.Join(h.dir, "generation"), []byte(fmt.Sprint(n)), 0o600)
}

func (h *harness) apiURL() string { return fmt.Sprintf("https://127.0.0.1:%d", h.apiPort) }

// prepare picks ports and writes the token file and the service-account key.
func (h *harness) prepare() error {
	var lines []string
	for _, id := range identities {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		h.tokens[id.user] = hex.EncodeToString(b)
		lines = append(lines, fmt.Sprintf("%s,%s,%s,%q", h.tokens[id.user], id.user, id.user, id.groups))
	}
	if err := os.WriteFile(filepath.Join(h.dir, "tokens.csv"), []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		return err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(h.dir, "sa.key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return err
	}
	ports, err := freePorts(3)
	if err != nil {
		return err
	}
	h.apiPort = ports[2]
	h.etcdURL = fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	return os.WriteFile(filepath.Join(h.dir, "etcd.url"), []byte(h.etcdURL+"\n"), 0o600)
}

func (h *harness) startEtcd() error {
	var clientPort, peerPort int
	fmt.Sscanf(h.etcdURL, "http://127.0.0.1:%d", &clientPort)
	ports, err := freePorts(1)
	if err != nil {
		return err
	}
	peerPort = ports[0]
	cmd := exec.Command(h.self, "etcd", "--dir", filepath.Join(h.dir, "etcd"),
		fmt.Sprintf("--client-port=%d", clientPort), fmt.Sprintf("--peer-port=%d", peerPort))
	cmd.Stderr = mustLog(filepath.Join(h.dir, "etcd.log"))
	cmd.SysProcAttr = diesWithParent()
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	h.etcd = cmd
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "READY") {
				ready <- true
			}
		}
		ready <- false
	}()
	select {
	case ok := <-ready:
		if !ok {
			return fmt.Errorf("etcd exited before it was ready; see %s", filepath.Join(h.dir, "etcd.log"))
		}
		return nil
	case <-time.After(60 * time.Second):
		return fmt.Errorf("etcd not ready after 60s")
	}
}

func (h *harness) startAPIServer() error {
	cmd := exec.Command(h.self, "apiserver", "--dir", h.dir, "--etcd", h.etcdURL, fmt.Sprintf("--port=%d", h.apiPort))
	logFile := mustLog(filepath.Join(h.dir, "apiserver.log"))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = diesWithParent()
	if err := cmd.Start(); err != nil {
		return err
	}
	h.apiserver = cmd
	// Tests pause this process (SIGSTOP) to make watches go silent.
	_ = os.WriteFile(filepath.Join(h.dir, "apiserver.pid"), []byte(fmt.Sprint(cmd.Process.Pid)), 0o600)
	h.apiExited = make(chan error, 1)
	go func(c *exec.Cmd, exited chan error) { exited <- c.Wait() }(cmd, h.apiExited)

	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	deadline := time.Now().Add(120 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-h.apiExited:
			h.apiExited <- err
			return fmt.Errorf("kube-apiserver exited during start-up (%v); see %s", err, filepath.Join(h.dir, "apiserver.log"))
		default:
		}
		// /readyz first, then the default namespace, as kube-apiserver's own test server waits.
		if get(client, h.apiURL()+"/readyz", h.tokens["admin"]) && get(client, h.apiURL()+"/api/v1/namespaces/default", h.tokens["admin"]) {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("kube-apiserver not ready after 120s; see %s", filepath.Join(h.dir, "apiserver.log"))
}

func (h *harness) stopAPIServer() {
	if h.apiserver == nil {
		return
	}
	// kube-apiserver drains open watches for a long time on SIGTERM; a test restart need not wait.
	_ = h.apiserver.Process.Signal(syscall.SIGTERM)
	select {
	case <-h.apiExited:
	case <-time.After(3 * time.Second):
		_ = h.apiserver.Process.Kill()
		<-h.apiExited
	}
	h.apiserver = nil
}

func (h *harness) stopAll() {
	h.stopAPIServer()
	if h.etcd != nil {
		_ = h.etcd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = h.etcd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = h.etcd.Process.Kill()
		}
	}
}

// diesWithParent makes the kernel stop a child if "up" itself is killed (Linux).
func diesWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}

func get(client *http.Client, url, token string) bool {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusOK
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func mustLog(path string) *os.File {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		fmt.Fprintln(os.Stderr, "harness:", err)
		os.Exit(1)
	}
	return f
}
