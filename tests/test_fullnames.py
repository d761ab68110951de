from briefing.claims.fullnames import full_names, in_full

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
