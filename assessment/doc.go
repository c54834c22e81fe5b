// Package assessment is the domain of cebalance: assessments, their answers and the
// organization profile, and the pure functions that turn them into a balance scorecard,
// a peer benchmark and a trend. It does no I/O.
//
// # The question
//
// For each clinical engineering function of the question bank the director answers who
// performs it: a dedicated clinical engineer (ce), BMETs (bmet), the HTM manager
// (manager), the IT department (it), a vendor (vendor), nobody (nobody), or "don't know"
// (unsure). Unknown ownership is a finding, so "don't know" counts as a gap.
//
// # The score
//
// Every function has a weight: 1 normal, 2 important, 3 critical (patient safety or a
// regulatory requirement). Every answer has a fit between 0 and 1: how well that
// performer fits that kind of work. Engineering work done by a clinical engineer fits
// 1.0, by the manager 0.75, by BMETs, IT or a vendor 0.5; operations work done by BMETs
// fits 1.0, by a vendor 0.75, by a CE, the manager or IT 0.5. Work that nobody does, or
// that nobody knows about, fits 0. A bank may override single cells; the default bank
// credits IT fully for device patching and the network inventory, and 0.75 for
// cybersecurity risk assessment and device integration.
//
// For any group of functions (all of them, the engineering ones, the operations ones, one
// domain), counting only answered functions:
//
//   - the share of a performer is the weight of the functions it performs divided by the
//     weight of all answered functions in the group;
//   - the coverage is 1 minus the shares of "nobody" and "don't know";
//   - the index is 100 times the weighted average fit: 100 means every function is done
//     by the best-fitting people, 0 that nothing is done.
//
// The balance index is the index of all functions. "Absorbed" is the share of
// engineering work done by BMETs or IT: engineering work that operations staff took on.
//
// # The verdict
//
// The verdict is the first of these that holds:
//
//  1. critical-gaps: a critical function (weight 3) is done by nobody, or nobody knows who;
//  2. engineering-absorbed: half or more of the engineering work is absorbed;
//  3. engineers-in-operations: clinical engineers do 30 % or more of the operations work;
//  4. balanced: balance index 80 or more;
//  5. mostly-balanced: balance index 60 or more;
//  6. out-of-balance: anything else.
//
// A draft is scored over what is answered so far and marked provisional. A draft with no
// answers at all has no index and the verdict "no-answers".
//
// # Staffing, peers and trend
//
// Staffing ratios come from the profile; a ratio whose denominator is zero is null, not
// infinite. They are shown beside published reference figures (References), which are
// references, not standards: there is no published benchmark of how many clinical
// engineers a hospital of a given size needs. The peer benchmark (Peers) compares an
// assessment with the latest completed assessment of every other organization in the
// same size band, only when there are at least five such peers, and only as quartiles.
// History and Compare show how an organization changes from one assessment to the next.
package assessment
