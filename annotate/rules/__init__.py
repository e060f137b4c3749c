"""Rule detectors over one passage's text: quotations, reported speech, speakers, framing, sourced facts."""
