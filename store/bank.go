package store

import (
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"

	"cebalance/assessment"
	"cebalance/questions"
)

// checkBank refuses a bank that was not validated, or was changed after it was.
func checkBank(b *questions.Bank) error {
	switch {
	case b == nil:
		return &assessment.FieldError{Field: "bank", Msg: "no question bank given"}
	case b.Hash == "":
		return &assessment.FieldError{Field: "bank", Msg: fmt.Sprintf("bank %s was not validated", b.Ref())}
	case b.Hash != b.ComputeHash():
		return &assessment.FieldError{Field: "bank", Msg: fmt.Sprintf("bank %s was changed after it was validated", b.Ref())}
	}
	return nil
}

// putBank stores b under its hash unless it is already there.
func putBank(tx *bolt.Tx, b *questions.Bank) error {
	banks, err := top(tx, bucketBanks)
	if err != nil {
		return err
	}
	if banks.Get([]byte(b.Hash)) != nil {
		return nil
	}
	v, err := encode(b)
	if err != nil {
		return err
	}
	if err := banks.Put([]byte(b.Hash), v); err != nil {
		return err
	}
	refs, err := top(tx, bucketBankRefs)
	if err != nil {
		return err
	}
	return refs.Put(bankRefKey(b.ID, b.Version), []byte(b.Hash))
}

// bankTx finds the bank ref names: by hash when it has one, else the latest saved with
// its id and version. The embedded default bank is always found. Decoded banks are
// cached, so an answer save does not decode its bank again.
func (s *Store) bankTx(tx *bolt.Tx, ref questions.Ref) (*questions.Bank, error) {
	hash := ref.Hash
	if hash == "" {
		if refs := tx.Bucket(bucketBankRefs); refs != nil {
			hash = string(refs.Get(bankRefKey(ref.ID, ref.Version)))
		}
		if hash == "" {
			if b := questions.BuiltinFor(ref); b != nil {
				return b, nil
			}
			return nil, fmt.Errorf("bank %s: %w", ref, ErrNotFound)
		}
	}
	s.mu.Lock()
	b := s.banks[hash]
	s.mu.Unlock()
	if b != nil {
		return b, nil
	}
	var data []byte
	if banks := tx.Bucket(bucketBanks); banks != nil {
		data = banks.Get([]byte(hash))
	}
	if data == nil {
		return nil, fmt.Errorf("bank %s (%s): %w", ref, hash, ErrNotFound)
	}
	b, err := decodeBank(data, hash)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if cached := s.banks[hash]; cached != nil {
		b = cached // another caller decoded it first; share one copy
	} else {
		s.banks[hash] = b
	}
	s.mu.Unlock()
	return b, nil
}

// SaveBank stores bank b (validated, see questions.Bank.Validate) under its hash. Saving
// a bank that is already stored changes nothing.
func (s *Store) SaveBank(b *questions.Bank) error {
	if err := checkBank(b); err != nil {
		return fmt.Errorf("save bank: %w", err)
	}
	if err := s.update(func(tx *bolt.Tx) error { return putBank(tx, b) }); err != nil {
		return fmt.Errorf("save bank %s: %w", b.Ref(), err)
	}
	return nil
}

// Bank returns the bank ref names: by hash when ref has one, else the latest saved with
// ref's id and version. The embedded default bank is always found, saved or not. The
// bank is shared and must not be modified.
func (s *Store) Bank(ref questions.Ref) (*questions.Bank, error) {
	var b *questions.Bank
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		b, err = s.bankTx(tx, ref)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read bank: %w", err)
	}
	return b, nil
}

// Banks returns every stored bank, by id, version and hash. The banks are shared and
// must not be modified.
func (s *Store) Banks() ([]*questions.Bank, error) {
	var out []*questions.Bank
	err := s.view(func(tx *bolt.Tx) error {
		banks := tx.Bucket(bucketBanks)
		if banks == nil {
			return nil
		}
		return banks.ForEach(func(k, _ []byte) error {
			b, err := s.bankTx(tx, questions.Ref{Hash: string(k)})
			out = append(out, b)
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list banks: %w", err)
	}
	sortBanks(out)
	return out, nil
}

func sortBanks(banks []*questions.Bank) {
	sort.Slice(banks, func(i, j int) bool {
		a, b := banks[i], banks[j]
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		return a.Hash < b.Hash
	})
}
