// Package questions holds the question bank of cebalance: the clinical engineering
// functions a director is asked about, grouped in domains, each with its kind
// (engineering or operations), its weight and how well each performer fits it.
//
// # Banks
//
// A bank is a YAML file (see default.yaml, which is embedded in the binary as the bank
// with id "default", version 1). Load and Parse validate a bank completely before it is
// used: unique ids, known kinds, weights 1–3, fit values in [0,1] for known performers,
// known domains, at least one function and no unknown keys. Every error names the file,
// the line and the field, so a director editing a bank can fix it without guessing.
//
// Each bank has a content hash (Bank.Hash), a sha256 of its canonical JSON form, so a
// store can keep every version it has used and old assessments stay scorable after the
// bank changes.
//
// # Fit
//
// Fit says how well a performer fits a kind of work, from 0 (not at all) to 1. The
// defaults by kind are the bank's fit_defaults (V1Fit for a bank without them); a
// function may override single cells, each with its reason (fit_why). Bank.FitTable
// and Function.FitFor read them.
//
// This package is pure: it reads a bank and nothing else, and imports no UI or storage.
package questions
