from briefing.claims.fullnames import (
    first_names,
    full_names,
    in_full,
    person_forms,
    titled_people,
)

TEXTS = [
    "Harbour master Olga Brandt said the pier would reopen. Brandt added that repairs were paid.",
    "The council's Tomas Wierzba disagreed. Mr. Wierzba told reporters the money had run out.",
]


def test_a_bare_surname_is_given_the_full_name_the_story_uses() -> None:
    names = full_names(TEXTS)
    assert in_full("Brandt", names) == "Olga Brandt"
    assert in_full("Mr. Wierzba", names) == "Tomas Wierzba"


def test_two_people_of_one_surname_leave_the_surname_alone() -> None:
    names = full_names(["Anna Kerr said yes.", "Her brother Paul Kerr said no. Kerr left."])
    assert in_full("Kerr", names) == "Kerr"


def test_other_actors_are_unchanged() -> None:
    names = full_names(TEXTS)
    assert in_full("Harbour master Olga Brandt", names) == "Harbour master Olga Brandt"
    assert in_full("The council", names) == "The council"
    assert in_full("Police", names) == "Police"


def test_roles_and_initials_are_not_first_names() -> None:
    names = full_names(["President Moreau spoke first.", "J. Halloran said it was late."])
    assert in_full("Moreau", names) == "Moreau"
    assert in_full("Halloran", names) == "Halloran"


def test_a_bare_title_is_the_one_person_the_story_gives_it() -> None:
    texts = ["Eskdale Bishop Ana Ferro said the parish would close. The bishop added more."]
    assert in_full("The bishop", full_names(texts), titled_people(texts)) == "Bishop Ana Ferro"
    two = ["Mayor Ana Ferro met Mayor Tomas Brell. The mayor said no."]
    assert in_full("The mayor", full_names(two), titled_people(two)) == "The mayor"


def test_a_bare_first_name_is_the_one_person_the_story_gives_it() -> None:
    forms = person_forms(["Anna Kerr said yes.", "Her brother Paul Kerr said no. Paul left."])
    names, firsts = full_names(forms), first_names(forms)
    assert in_full("Paul", names, firsts=firsts) == "Paul Kerr"
    two = person_forms(["Paul Kerr said yes.", "Paul Adler said no. Paul left."])
    assert in_full("Paul", full_names(two), firsts=first_names(two)) == "Paul"


def test_a_body_named_like_a_person_is_no_full_name() -> None:
    forms = person_forms(["The Tarrow Harbour Authority said the quay was shut. Harbour left."])
    assert in_full("Harbour", full_names(forms), firsts=first_names(forms)) == "Harbour"
    assert in_full("Authority", full_names(forms), firsts=first_names(forms)) == "Authority"


def test_a_word_that_is_one_persons_first_name_and_anothers_surname_stays() -> None:
    forms = person_forms(["Dylan Farrow wrote again.", "Bob Dylan sang. Dylan said no."])
    assert in_full("Dylan", full_names(forms), firsts=first_names(forms)) == "Dylan"
    salutation = person_forms(["Her letter opens Dear Dylan and goes on. Dylan Farrow wrote."])
    names, firsts = full_names(salutation), first_names(salutation)
    assert in_full("Dylan", names, firsts=firsts) == "Dylan Farrow"
