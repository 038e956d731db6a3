"""The DfE census code sets a child's record carries (../shared/domain/statutory-returns.md §1.4).

The CIN census and Ofsted's Annex A describe a child with national codes: ethnicity (N00177),
disability (N00099) and, where there is no unique pupil number, the reason (N00135). The
record keeps the codes themselves so the returns never guess from free text; `ethnicity_code_for`
reads the free text a contact arrived with into a code only where the words match exactly.
"""

from __future__ import annotations

from django.db import models

__all__ = [
    "ClosureReason",
    "Disability",
    "Ethnicity",
    "UpnUnknown",
    "disability_labels",
    "ethnicity_code_for",
]


class Ethnicity(models.TextChoices):  # N00177, rule 4220
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WOTH = "WOTH", "Any other White background"
    WROM = "WROM", "Gypsy or Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Caribbean"
    BAFR = "BAFR", "African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class Disability(models.TextChoices):  # N00099, rule 8540
    NONE = "NONE", "No disability"
    MOB = "MOB", "Mobility"
    HAND = "HAND", "Hand function"
    PC = "PC", "Personal care"
    INC = "INC", "Incontinence"
    COMM = "COMM", "Communication"
    LD = "LD", "Learning"
    HEAR = "HEAR", "Hearing"
    VIS = "VIS", "Vision"
    BEH = "BEH", "Behaviour"
    CON = "CON", "Consciousness"
    AUT = "AUT", "Autism or Asperger syndrome"
    DDA = "DDA", "Other disability"


class UpnUnknown(models.TextChoices):  # N00135
    UN1 = "UN1", "Not of school age or not yet given a UPN"
    UN2 = "UN2", "Never attended a maintained school in England"
    UN3 = "UN3", "Educated outside England"
    UN4 = "UN4", "UPN not yet obtained"
    UN5 = "UN5", "Sources collating UPNs disagree"
    UN6 = "UN6", "Child with no UPN for another reason"
    UN7 = "UN7", "Referral with no further action"


class ClosureReason(models.TextChoices):  # N00103, rule 8640
    RC1 = "RC1", "Adopted"
    RC2 = "RC2", "Died"
    RC3 = "RC3", "Child arrangements order"
    RC4 = "RC4", "Special guardianship order"
    RC5 = "RC5", "Transferred to services of another local authority"
    RC6 = "RC6", "Transferred to adult social care services"
    RC7 = "RC7", "Services ceased for any other reason, including child no longer in need"
    RC8 = "RC8", "Case closed after assessment, no further action"
    RC9 = "RC9", "Case closed after assessment, referred to early help"


_ETHNICITY_WORDS = {label.lower(): code for code, label in Ethnicity.choices} | {
    code.lower(): code for code in Ethnicity.values
}


def ethnicity_code_for(text: str) -> str:
    """The census code for ethnicity typed as words ("White British") or as the code; "" when
    the words are not exactly one of the census descriptions (the record then says unknown)."""
    return _ETHNICITY_WORDS.get(" ".join(text.split()).lower(), "")


def disability_labels(codes: list[str]) -> list[str]:
    """The words for a child's disability codes, in the order recorded."""
    known = dict(Disability.choices)
    return [known.get(code, code) for code in codes]
