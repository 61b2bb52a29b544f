package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

var readVerbs = []string{"get", "list", "watch"}

// bootstrapRBAC gives each identity of the token file its permissions.
// Creating an object that exists is fine: a restarted API server keeps etcd's data.
func bootstrapRBAC(server, adminToken string) error {
	client, err := kubernetes.NewForConfig(&rest.Config{Host: server, BearerToken: adminToken, TLSClientConfig: rest.TLSClientConfig{Insecure: true}})
	if err != nil {
		return err
	}
	ctx := context.Background()
	ignoreExists := func(err error) error {
		if apierrors.IsAlreadyExists(err) {
			return nil
		}
		return err
	}
	read := func(resources ...string) rbacv1.PolicyRule {
		return rbacv1.PolicyRule{APIGroups: []string{"", "events.k8s.io"}, Resources: resources, Verbs: readVerbs}
	}
	roles := []*rbacv1.ClusterRole{
		{ObjectMeta: metav1.ObjectMeta{Name: "test:cluster-reader"}, Rules: []rbacv1.PolicyRule{read("pods", "nodes", "events")}},
		{ObjectMeta: metav1.ObjectMeta{Name: "test:pod-event-reader"}, Rules: []rbacv1.PolicyRule{read("pods", "events")}},
		{ObjectMeta: metav1.ObjectMeta{Name: "test:list-only"}, Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"list"}}}},
	}
	for _, r := range roles {
		if _, err := client.RbacV1().ClusterRoles().Create(ctx, r, metav1.CreateOptions{}); ignoreExists(err) != nil {
			return err
		}
	}
	bind := func(name, role, user string) *rbacv1.ClusterRoleBinding {
		return &rbacv1.ClusterRoleBinding{
			ObjectMeta: metav1.ObjectMeta{Name: name},
			RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: role},
			Subjects:   []rbacv1.Subject{{Kind: "User", APIGroup: "rbac.authorization.k8s.io", Name: user}},
		}
	}
	for _, b := range []*rbacv1.ClusterRoleBinding{
		bind("test:cluster-reader", "test:cluster-reader", "cluster-reader"),
		bind("test:list-only", "test:list-only", "list-only"),
	} {
		if _, err := client.RbacV1().ClusterRoleBindings().Create(ctx, b, metav1.CreateOptions{}); ignoreExists(err) != nil {
			return err
		}
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}
	if _, err := client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); ignoreExists(err) != nil {
		return err
	}
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "test:namespace-reader", Namespace: "team-a"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "test:pod-event-reader"},
		Subjects:   []rbacv1.Subject{{Kind: "User", APIGroup: "rbac.authorization.k8s.io", Name: "namespace-reader"}},
	}
	if _, err := client.RbacV1().RoleBindings("team-a").Create(ctx, rb, metav1.CreateOptions{}); ignoreExists(err) != nil {
		return err
	}
	return nil
}

// writeKubeconfig writes one context per identity, current context admin, trusting the
// API server's self-signed certificate.
func (h *harness) writeKubeconfig() (string, error) {
	ca, err := os.ReadFile(filepath.Join(h.dir, "pki", "apiserver.crt"))
	if err != nil {
		return "", fmt.Errorf("read serving certificate: %w", err)
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["test"] = &clientcmdapi.Cluster{Server: h.apiURL(), CertificateAuthorityData: ca}
	for _, id := range identities {
		cfg.AuthInfos[id.user] = &clientcmdapi.AuthInfo{Token: h.tokens[id.user]}
		cfg.Contexts[id.user] = &clientcmdapi.Context{Cluster: "test", AuthInfo: id.user}
	}
	cfg.CurrentContext = "admin"
	path := filepath.Join(h.dir, "kubeconfig")
	return path, clientcmd.WriteToFile(*cfg, path)
}
