"""The consistency finder and the label-all plan, pure: whole-token matching, the case option, other types,
strings inside longer labels, and occurrences the overlap rule makes it skip."""

from __future__ import annotations

from annotation.consistency import (
    LabeledSurface,
    ScanDocument,
    Status,
    SurfaceIndex,
    find_inconsistencies,
    plan_label_all,
    surface_key,
)
from annotation.spans import Span


def doc(pk: int, marked: str) -> ScanDocument:
    """A document from `[text|Type]` markup."""
    text, labels, i = "", [], 0
    while i < len(marked):
        if marked[i] == "[":
            close = marked.index("]", i)
            covered, category = marked[i + 1 : close].split("|")
            labels.append(Span(len(text), len(text) + len(covered), category))
            text += covered
            i = close + 1
        else:
            text += marked[i]
            i += 1
    return ScanDocument(pk, f"d{pk}.txt", text, labels)


def check(documents: list[ScanDocument], *, case_sensitive: bool = True):
    surfaces = [LabeledSurface(d.text[s.start : s.end], s.category) for d in documents for s in d.labels]
    return find_inconsistencies(SurfaceIndex(surfaces, case_sensitive=case_sensitive), documents)


def test_surface_keys_are_tokens():
    assert surface_key("First Harbor Bank, N.A.") == ("First", "Harbor", "Bank", ",", "N.A.")
    assert surface_key("Acme  Bank") == surface_key("Acme Bank")
    assert surface_key("ACME Bank", case_sensitive=False) == ("acme", "bank")


def test_unlabeled_elsewhere_is_found_with_counts_and_contexts():
    documents = [
        doc(1, "Loan from [Acme Bank|Lender] to Ana."),
        doc(2, "Acme Bank approved it."),
        doc(3, "Repay Acme Bank, then Acme Bank again."),
        doc(4, "Acme Banking Group and Acme Bankers are other words."),
    ]
    [finding] = check(documents)
    assert finding.surface == "Acme Bank" and finding.type == "Lender"
    assert (finding.labeled, finding.unlabeled, finding.unlabeled_documents, finding.other_type) == (1, 3, 2, 0)
    first = finding.examples[0]
    assert (first.location, first.status, first.before, first.matched, first.after) == (
        "d2.txt",
        Status.UNLABELED,
        "",
        "Acme Bank",
        " approved it.",
    )
    assert [(e.document_id, e.status) for e in finding.examples] == [
        (2, Status.UNLABELED),
        (3, Status.UNLABELED),
        (3, Status.UNLABELED),
        (1, Status.LABELED),  # one labeled as suggested, to compare
    ]


def test_consistent_strings_are_not_findings():
    documents = [doc(1, "[Ana|Borrower] owes."), doc(2, "[Ana|Borrower] paid; Anastasia did not.")]
    assert check(documents) == []


def test_labeled_with_another_type_elsewhere():
    documents = [
        doc(1, "[Dana Whitaker|Lender] lent it."),
        doc(2, "[Dana Whitaker|Lender] again."),
        doc(3, "[Dana Whitaker|Borrower] borrowed."),
    ]
    [finding] = check(documents)
    assert [(t.category, t.count) for t in finding.types] == [("Lender", 2), ("Borrower", 1)]
    assert (finding.unlabeled, finding.other_type) == (0, 1)
    assert [(e.document_id, e.status, e.category) for e in finding.examples] == [
        (3, Status.LABELED, "Borrower"),
        (1, Status.LABELED, "Lender"),
    ]


def test_case_counts_unless_ignored():
    documents = [doc(1, "[Oakwood Bank|Lender] lent."), doc(2, "OAKWOOD BANK wrote.")]
    assert check(documents) == []
    [finding] = check(documents, case_sensitive=False)
    assert (finding.surface, finding.unlabeled, finding.examples[0].matched) == ("Oakwood Bank", 1, "OAKWOOD BANK")


def test_a_string_inside_a_longer_label_is_not_unlabeled():
    documents = [doc(1, "[Ana|Borrower] paid."), doc(2, "[Ana López|Borrower] paid."), doc(3, "Ana again.")]
    [finding] = check(documents)
    assert (finding.unlabeled, finding.inside) == (1, 1)


def test_strings_without_letters_or_digits_are_not_looked_for():
    documents = [doc(1, "Pay [$|Currency] 5 and $ 6."), doc(2, "$ 7")]
    assert check(documents) == []


def test_plan_creates_unlabeled_skips_overlaps_with_the_rules_message():
    documents = [
        doc(1, "[Acme Bank|Lender] lent."),
        doc(2, "Acme Bank approved; [Acme Bank|Borrower] borrowed."),
        doc(3, "The [Acme Bank Tower|Address] and Acme Bank."),
    ]
    plan = plan_label_all("Acme Bank", "Lender", documents)
    assert [(o.document_id, o.start, o.end) for o in plan.create] == [(2, 0, 9), (3, 24, 33)]
    assert (plan.already, plan.documents) == (1, 2)
    assert [(s.occurrence.document_id, s.occurrence.status) for s in plan.skipped] == [
        (2, Status.LABELED),
        (3, Status.INSIDE),
    ]
    assert plan.skipped[0].reason == (
        "The Lender label 'Acme Bank' overlaps the Borrower label 'Acme Bank'; labels in one document cannot overlap."
    )
    assert "overlaps the Address label 'Acme Bank Tower'" in plan.skipped[1].reason


def test_plan_fingerprint_follows_what_would_be_created():
    before = plan_label_all("Ana", "Borrower", [doc(1, "Ana paid."), doc(2, "Ana owes.")])
    same = plan_label_all("Ana", "Borrower", [doc(1, "Ana paid."), doc(2, "Ana owes.")])
    after = plan_label_all("Ana", "Borrower", [doc(1, "Ana paid."), doc(2, "[Ana|Borrower] owes.")])
    assert before.fingerprint == same.fingerprint != after.fingerprint
    assert len(after.create) == 1 and after.already == 1


def test_plan_ignoring_case():
    documents = [doc(1, "ana paid ANA.")]
    assert plan_label_all("Ana", "Borrower", documents).create == []
    assert len(plan_label_all("Ana", "Borrower", documents, case_sensitive=False).create) == 2
