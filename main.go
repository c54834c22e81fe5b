// Command cebalance assesses who does a hospital's clinical engineering work and shows
// the balance between engineering and operations as a scorecard.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "cebalance: the interactive questionnaire is coming; the scoring engine is in assessment/ and questions/")
}
