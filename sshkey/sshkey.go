// Package sshkey holds the one policy for the SSH public keys cebalance accepts: how a
// key is given (one authorized_keys line), which key types and sizes are strong enough,
// and which signature algorithms the server lets a client sign with. The access command
// (when a key is added) and the SSH server (at every login) both call it, so a key that
// could not be added can never log in either.
package sshkey

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"

	gossh "golang.org/x/crypto/ssh"
)

// MinRSABits is the smallest RSA modulus accepted (NIST SP 800-131A: 1024-bit RSA is
// disallowed for signatures since 2013).
const MinRSABits = 2048

// SignatureAlgorithms are the public-key signature algorithms the server accepts for
// authentication: no SHA-1 ("ssh-rsa") and no DSA ("ssh-dss"). RSA keys sign with
// rsa-sha2-256 or rsa-sha2-512, which every OpenSSH since 7.2 (2016) offers.
var SignatureAlgorithms = []string{
	gossh.KeyAlgoED25519,
	gossh.KeyAlgoSKED25519,
	gossh.KeyAlgoECDSA256,
	gossh.KeyAlgoECDSA384,
	gossh.KeyAlgoECDSA521,
	gossh.KeyAlgoSKECDSA256,
	gossh.KeyAlgoRSASHA512,
	gossh.KeyAlgoRSASHA256,
}

// ErrWeakKey is returned by Check when a key's type or size is not accepted.
var ErrWeakKey = errors.New("key too weak")

// Check reports whether key is strong enough: DSA keys are refused, RSA keys need at
// least MinRSABits. The error says what to do instead.
func Check(key gossh.PublicKey) error {
	switch key.Type() {
	case gossh.KeyAlgoDSA:
		return fmt.Errorf("%w: DSA (ssh-dss) keys are not accepted; make an Ed25519 key with `ssh-keygen -t ed25519`", ErrWeakKey)
	case gossh.KeyAlgoRSA:
		ck, ok := key.(gossh.CryptoPublicKey)
		if !ok {
			return fmt.Errorf("%w: unreadable RSA key", ErrWeakKey)
		}
		pub, ok := ck.CryptoPublicKey().(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("%w: unreadable RSA key", ErrWeakKey)
		}
		if bits := pub.N.BitLen(); bits < MinRSABits {
			return fmt.Errorf("%w: this RSA key has %d bits and at least %d are needed; make an Ed25519 key with `ssh-keygen -t ed25519`", ErrWeakKey, bits, MinRSABits)
		}
	}
	return nil
}

// Parse reads exactly one public key in authorized_keys form ("ssh-ed25519 AAAA…
// comment"), checks it with Check, and returns it with its SHA256 fingerprint.
func Parse(text string) (gossh.PublicKey, string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, "", errors.New("empty key: give the public key line, e.g. the content of ~/.ssh/id_ed25519.pub")
	}
	if strings.Contains(text, "PRIVATE KEY") {
		return nil, "", errors.New("that is a private key: give the public one (the .pub file), and keep the private key secret")
	}
	key, comment, _, rest, err := gossh.ParseAuthorizedKey([]byte(text))
	if err != nil {
		return nil, "", fmt.Errorf("not an SSH public key (%v): give a line like \"ssh-ed25519 AAAA… name@host\"", err)
	}
	if len(strings.TrimSpace(string(rest))) > 0 || looksLikeKey(comment) {
		return nil, "", errors.New("more than one key given: add one key at a time")
	}
	if err := Check(key); err != nil {
		return nil, "", err
	}
	return key, gossh.FingerprintSHA256(key), nil
}

// looksLikeKey reports whether an authorized_keys comment holds another key, as when two
// keys are pasted on one line ("ssh-ed25519 AAAA… ssh-ed25519 BBBB…").
func looksLikeKey(comment string) bool {
	fields := strings.Fields(comment)
	for i := range fields {
		if _, _, _, _, err := gossh.ParseAuthorizedKey([]byte(strings.Join(fields[i:], " "))); err == nil {
			return true
		}
	}
	return false
}
