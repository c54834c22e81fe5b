// Package present turns scorecards, comparisons and trends into typed, already
// formatted, unstyled rows: the one presentation layer under the TUI and every report
// renderer. The front-ends lay these rows out and style them; they never format a
// number, a date or a label themselves, so the same figure reads the same everywhere.
//
// # Rules
//
// Numbers: indexes and ratios have one decimal, halves rounded away from zero (71.25 →
// 71.3); shares are whole percents ("42 %"); counts have thousands separators (12,500);
// FTEs have no needless zeros (0.5, 2). A figure that cannot be computed is "—".
//
// Changes are computed from the figures as shown, after rounding, never from the exact
// values: 70.04 → 70.16 shows as 70.0 → 70.2 and a change of +0.2, so that the columns
// add up on paper and the screen and the report agree to the digit. No change is "±0.0"
// (and "±0 pts" for shares) everywhere.
//
// Dates are calendar days in UTC (the zone the store stamps every time in), whatever
// the zone of the machine or the SSH client, so a scorecard printed in two places shows
// the same dates.
//
// Widths are display cells (ansi.StringWidth), never runes: a CJK character or an
// emoji takes two cells. Wrap, Truncate and Pad all count cells.
//
// Share bars give each performer cells by largest remainder, and every non-zero share
// at least one cell, so a 1 % share never disappears; one letter per performer (Letter)
// marks its cells so the bar reads without color.
//
// Charts put a value on the row of the band it has reached (floor, never rounding up),
// so a point is never drawn on a verdict threshold it has not reached: ChartRow.
package present
