package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
)

// runEtcd serves an embedded etcd on loopback until SIGTERM/SIGINT.
func runEtcd(args []string) error {
	fs := flag.NewFlagSet("etcd", flag.ExitOnError)
	dir := fs.String("dir", "", "data directory")
	clientPort := fs.Int("client-port", 0, "client port")
	peerPort := fs.Int("peer-port", 0, "peer port")
	_ = fs.Parse(args)
	if *dir == "" || *clientPort == 0 || *peerPort == 0 {
		return fmt.Errorf("etcd needs --dir, --client-port and --peer-port")
	}
	clientURL, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", *clientPort))
	peerURL, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", *peerPort))

	cfg := embed.NewConfig()
	cfg.Dir = *dir
	cfg.ListenClientUrls = []url.URL{*clientURL}
	cfg.AdvertiseClientUrls = []url.URL{*clientURL}
	cfg.ListenPeerUrls = []url.URL{*peerURL}
	cfg.AdvertisePeerUrls = []url.URL{*peerURL}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.UnsafeNoFsync = true // test data only: durability across power loss is irrelevant
	cfg.LogLevel = "error"

	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return err
	}
	defer e.Close()
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		return fmt.Errorf("etcd did not become ready within 60s")
	}
	fmt.Printf("READY etcd %s\n", clientURL)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-stop:
		return nil
	case err := <-e.Err():
		return err
	}
}

// runCompact compacts etcd at its current revision, so that watches from older
// resourceVersions that reach etcd answer 410 Gone.
func runCompact(args []string) error {
	fs := flag.NewFlagSet("compact", flag.ExitOnError)
	dir := fs.String("dir", "", "the directory of a running 'harness up'")
	_ = fs.Parse(args)
	if *dir == "" {
		return fmt.Errorf("compact needs --dir")
	}
	raw, err := os.ReadFile(filepath.Join(*dir, "etcd.url"))
	if err != nil {
		return fmt.Errorf("no running harness in %s: %w", *dir, err)
	}
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{strings.TrimSpace(string(raw))}, DialTimeout: 5 * time.Second})
	if err != nil {
		return err
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := cli.Get(ctx, "compact-probe", clientv3.WithCountOnly())
	if err != nil {
		return err
	}
	rev := resp.Header.Revision
	if _, err := cli.Compact(ctx, rev, clientv3.WithCompactPhysical()); err != nil {
		return err
	}
	fmt.Printf("compacted at revision %d\n", rev)
	return nil
}
