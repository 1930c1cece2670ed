"""What results become: ALTO, PAGE-XML and hOCR documents, batch records, debug overlays."""
