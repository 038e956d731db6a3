"""Statutory returns (issue 8): the DfE CIN census, Ofsted's Annex A lists and the data
quality page, all from one reading of the front door's records (`episodes`)."""
