"""Fact extraction on reviews written for these tests, one Spanish pattern each."""

from __future__ import annotations

import pytest

import critica
from critica.facts.names import fold
from critica.facts.stage import extract_facts
from critica.text import prepare

from .conftest import SHARED, SHARED_DATA


def facts(text: str):
    return extract_facts(prepare(text))


def people(text: str) -> dict[str, tuple[list[str], str | None]]:
    return {p.name: (p.roles, p.character) for p in facts(text).people}


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("La nueva película del director Tomás Aguirre es un prodigio.", "Tomás Aguirre", "director"),
        ("Dirigida por Elena Sanchís, la cinta avanza con pulso firme.", "Elena Sanchís", "director"),
        ("Con guion de Ramiro Vidal, la historia nunca decae.", "Ramiro Vidal", "writer"),
        ("El guionista Carlos Ferrer firma diálogos afilados.", "Carlos Ferrer", "writer"),
        ("La fotografía de Nuria Calvo es puro invierno.", "Nuria Calvo", "cinematographer"),
        ("El director de fotografía Iván Prieto ilumina cada plano.", "Iván Prieto", "cinematographer"),
        ("La música de Alberto Iglesias acompaña sin imponerse.", "Alberto Iglesias", "composer"),
        ("El montaje de Teresa Font es invisible y preciso.", "Teresa Font", "editor"),
        ("Producida por Agustín Almodóvar, luce cada euro.", "Agustín Almodóvar", "producer"),
        ("Protagonizada por Lola Dueñas, la película conmueve.", "Lola Dueñas", "actor"),
        ("Javier Cámara interpreta a un profesor jubilado.", "Javier Cámara", "actor"),
        ("Isabel Coixet dirige con delicadeza un guion difícil.", "Isabel Coixet", "director"),
    ],
)
def test_role_patterns(text: str, name: str, role: str) -> None:
    found = people(text)
    assert name in found, found
    assert role in found[name][0]


def test_character_pairings_both_ways() -> None:
    text = (
        "En la película, Marina (Ana Torrent) vuelve al pueblo. Más tarde Luis Tosar (Andrés) la busca. "
        "Carmen Maura en el papel de Doña Julia está inmensa."
    )
    found = people(text)
    assert found["Ana Torrent"] == (["actor"], "Marina")
    assert found["Luis Tosar"] == (["actor"], "Andrés")
    assert found["Carmen Maura"][1] == "Doña Julia" or found["Carmen Maura"][1] == "Julia"
    assert "Marina" not in found and "Andrés" not in found


def test_lists_after_a_cue_share_the_role() -> None:
    found = people("Protagonizada por Penélope Cruz, Antonio de la Torre y Emma Suárez, la película emociona.")
    assert all("actor" in found[n][0] for n in ("Penélope Cruz", "Antonio de la Torre", "Emma Suárez"))


def test_surname_mentions_merge_into_one_person() -> None:
    text = (
        "El director Pedro Olea rueda con elegancia. La película de Olea no envejece. Olea sabe dónde poner la cámara."
    )
    result = facts(text)
    olea = [p for p in result.people if fold(p.name).endswith("olea")]
    assert len(olea) == 1 and olea[0].name == "Pedro Olea" and len(olea[0].mentions) == 3
    for start, end in olea[0].mentions:
        assert text[start:end] in {"Pedro Olea", "Olea"}


def test_no_invented_people_in_a_fact_free_review() -> None:
    text = (
        "Dirigida con torpeza, la película se hace eterna. Ganó la indiferencia del público. "
        "Sensaciones vacías, Diálogos de cartón y un Final que nadie pidió."
    )
    assert facts(text).people == []


def test_titles_original_titles_and_years() -> None:
    text = (
        "'Los santos inocentes / The Holy Innocents' (1984) es una obra mayor. "
        'Vi también la película Tasio, de 1984. "Los santos inocentes" sigue siendo la mejor.'
    )
    films = {f.title: f for f in facts(text).films}
    assert films["The Holy Innocents"].original_title == "Los santos inocentes"
    assert films["The Holy Innocents"].year == 1984
    assert films["Tasio"].year == 1984
    text2 = "«El sur» (título original: El sur de Borges) de 1983 es sutil. «El sur» es de Erice."
    f2 = facts(text2).films
    assert f2[0].title == "El sur" and f2[0].original_title == "El sur de Borges" and f2[0].reviewed


def test_awards_are_normalised_with_event_year_and_film() -> None:
    text = (
        '"Mar adentro" ganó el Academy Award en 2005. La película también obtuvo la Palm D\'or... no, '
        "en realidad fue nominada al Golden Globe. En el Festival de San Sebastián de 2004 ganó un premio."
    )
    awards = {a.award: a for a in facts(text).awards}
    assert awards["Óscar"].year == 2005 and awards["Óscar"].film == "Mar adentro"
    assert awards["Palma de Oro"].event == "Festival de Cannes"
    assert awards["Globo de Oro"].nomination
    assert awards["Festival de San Sebastián"].year == 2004


def test_a_festival_where_the_film_was_only_shown_is_named_but_is_no_award() -> None:
    found = facts("Se presentó en el Festival de Cannes de 2006 y llega ahora a los cines. Me gustó.")
    assert found.awards == []
    assert [(f.festival, f.year) for f in found.festivals] == [("Festival de Cannes", 2006)]
    won = facts("En el Festival de San Sebastián de 2004 ganó un premio; también pasó por la Berlinale.")
    assert [(a.award, a.year) for a in won.awards] == [("Festival de San Sebastián", 2004)]
    assert [f.festival for f in won.festivals] == ["Festival de San Sebastián", "Festival de Berlín"]


def test_offsets_slice_the_original_text_with_markup() -> None:
    text = "<p>El director&nbsp;Mikel Sáez rueda &laquo;Lluvia&raquo; (2019).</p>"
    result = facts(text)
    person = result.people[0]
    assert text[person.start : person.end] == "Mikel Sáez"
    film = result.films[0]
    assert text[film.start : film.end] == "Lluvia" and film.year == 2019


SEED = SHARED / "seed" / "000_9d32fff694860531.txt"


@pytest.mark.skipif(not SEED.exists(), reason="showcase review not here")
def test_showcase_review() -> None:
    result = facts(SEED.read_text(encoding="utf-8"))
    film = next(f for f in result.films if f.reviewed)
    assert (film.title, film.original_title, film.year) == ("Las grúas están volando", "Letyat Zhuravli", 1957)
    by_name = {p.name: p for p in result.people}
    assert by_name["Mikhail Kalatozov"].roles == ["director"]
    assert by_name["Viktor Rozov"].roles == ["writer"]
    assert by_name["Sergei Urusevsky"].roles == ["cinematographer"]
    for actor, character in (
        ("Tatyana Samojlova", "Veronika"),
        ("Aleksey Batalov", "Boris"),
        ("Aleksandr Shvorin", "Mark"),
    ):
        assert by_name[actor].roles == ["actor"] and by_name[actor].character == character
    award = result.awards[0]
    assert (award.award, award.event, award.year) == ("Palma de Oro", "Festival de Cannes", 1958)


@pytest.mark.skipif(not (SHARED_DATA / "gold").exists(), reason="gold file not here")
def test_no_person_on_fact_free_gold_reviews() -> None:
    from critica.evaluation.gold import load_gold

    rows = load_gold(SHARED_DATA / "gold" / "gold_dev.jsonl", SHARED_DATA / "imdb_es" / "imdb_es_1700.csv")
    fact_free = [text for gold, text in rows if not gold["people"] and not gold["films"]]
    assert len(fact_free) == 5
    assert all(facts(text).people == [] for text in fact_free)


def test_bracketed_actor_after_a_description_and_colon_cues() -> None:
    found = people("Dirigida por: Nerea Alzola. La víctima es su profesora (Itziar Lazkano), que huye de todo.")
    assert "director" in found["Nerea Alzola"][0]
    assert found["Itziar Lazkano"] == (["actor"], None)


def test_names_joined_by_de_split_when_both_sides_are_full_names() -> None:
    found = people("El Madrid de Pedro Almodóvar no es el de Carlos Saura. El director Pedro Almodóvar lo sabe.")
    assert "Pedro Almodóvar" in found and "Madrid de Pedro Almodóvar" not in found


def test_unquoted_titles_after_reference_cues() -> None:
    text = (
        "Es un remake de Plácido, y recuerda a películas como Bienvenido Mister Marshall. "
        "La nueva película de Berlanga no está a la altura de El Verdugo."
    )
    result = facts(text)
    titles = {f.title for f in result.films}
    assert {"Plácido", "Bienvenido Mister Marshall", "El Verdugo"} <= titles


def test_sequel_numbers_mark_titles() -> None:
    titles = {f.title for f in facts("Vi Torrente 2 y luego El Padrino II, que es mejor que Torrente.").films}
    assert {"Torrente 2", "El Padrino II"} <= titles


# -- patterns added in the second pass: machine-translation habits and looser Spanish phrasing ----------


@pytest.mark.parametrize(
    ("text", "name", "roles"),
    [
        ("Es la última película del veterano director asturiano Gonzalo Suárez.", "Gonzalo Suárez", {"director"}),
        ("Ahora Kiran Rao dirige con mano firme.", "Kiran Rao", {"director"}),
        (
            "Escrita y dirigida por Julia Ducournau, no deja a nadie indiferente.",
            "Julia Ducournau",
            {"writer", "director"},
        ),
        ("Las dos cintas estaban dirigidas por el mismo tipo, Ramón Beltrán.", "Ramón Beltrán", {"director"}),
        ("Se desperdicia a Pedro Casablanc como el malvado banquero del pueblo.", "Pedro Casablanc", {"actor"}),
        ("Vale la pena por ver a Ana Belén joven en uno de sus primeros roles protagonistas.", "Ana Belén", {"actor"}),
        (
            "El director Tristán Ulloa (también actuando como el padre) sale airoso.",
            "Tristán Ulloa",
            {"director", "actor"},
        ),
    ],
)
def test_looser_role_patterns(text: str, name: str, roles: set[str]) -> None:
    found = people(text)
    assert name in found, found
    assert roles <= set(found[name][0])


def test_a_bare_como_between_two_names_is_a_comparison_not_a_casting() -> None:
    found = people("La madrastra era tan cruel con Cenicienta como Drizella, y eso no cambia.")
    assert "Cenicienta" not in found and "Drizella" not in found


def test_a_character_with_an_honorific_and_its_full_name_are_not_people() -> None:
    text = "Eduard Fernández, (Dr. Tomás Ruiz), es el médico. Tomás (Eduard Fernández) duda. Tomás Ruiz Alonso calla."
    found = people(text)
    assert found["Eduard Fernández"][1] in {"Dr. Tomás Ruiz", "Tomás"}
    assert "Tomás Ruiz" not in found and "Tomás Ruiz Alonso" not in found


def test_first_name_al_and_english_verbs_left_by_translation() -> None:
    found = people("Solo pienso en la versión de Al Pacino. Es la película que Geoffrey Rush Wishes olvidar.")
    assert "Al Pacino" in found and "Geoffrey Rush" in found and "Geoffrey Rush Wishes" not in found


def test_a_full_name_that_owns_films_is_a_person_but_a_place_is_not() -> None:
    found = people(
        "La mayoría de las películas de Lorne Michaels fallan. Adoro las películas de Hong Kong de John Woo."
    )
    assert "Lorne Michaels" in found and "Hong Kong" not in found


def titles(text: str) -> dict[str, int | None]:
    return {f.title: f.year for f in facts(text).films}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tesis (1996) Dirigida por: Alejandro Amenábar. Una joya.", {"Tesis": 1996}),
        ("Me gusta el terror. La casa del lago (1979), una de mis favoritas, era mejor.", {"La casa del lago": 1979}),
        (
            'Basada en la novela "El abuelo", la herida abierta, la última película del director, decepciona.',
            {"la herida abierta": None},
        ),
        (
            "Recuerda a seis o siete episodios de Doctor Who, perdidos en el tiempo, e incluso Fringe.",
            {"Doctor Who": None, "perdidos en el tiempo": None, "Fringe": None},
        ),
        ("Es una comedia ligera, como Airbag o Torrente (dos de mis favoritas).", None),
        ('Todo está hecho "el ataque de los muertos", uno para olvidar.', {"el ataque de los muertos": None}),
    ],
)
def test_title_patterns_of_translated_reviews(text: str, expected: dict[str, int | None] | None) -> None:
    found = titles(text)
    if expected is None:  # the list after "como": both titles, no years
        assert {"Airbag", "Torrente"} <= set(found), found
    else:
        assert expected.items() <= found.items(), found


@pytest.mark.parametrize(
    "text",
    [
        'Ganó fama con la novela "El silencio" antes de rodar nada.',
        'La banda toca un número alegre "Todos quieren bailar".',
        'Todo acaba cuando el "giro", por así decirlo, llega tarde.',
        'El final no es una broma, es más como un "Oh Dios, ¿verdad?" sin gracia.',
        'Dijo que era "muy mala" y se fue.',
        "Me encantó la película (2008) y poco más.",
        'Es una película "De visita obligada" para toda la familia.',  # an indefinite film: a kind, not a name
        'El chiste funciona de una manera "Ja-Ja Jaime" muy tonta.',  # a manner
        'En el bar ella suelta: "¿Vienes?" y él contesta "Sí. Creo que no voy" sin mirarla.',  # a sentence inside
        'El niño grita todo el rato "Mamá, mamá ..." hasta cansar.',  # a trailing ellipsis
        'Lo mejor es el "NOOOOOO" final y el cartel de "Vete a la M***"',  # shouting, censoring
        'Le doy a esta película "2 (Floja)" y ya es mucho.',  # a rating
        'Usa las palabras "Salam" y "Habibi" sin traducirlas.',  # the second quote of a speech list
        'Era una película de "Terror Navideño" sin gracia.',  # a kind of film
        'No es el típico "Baño de Sangre" de serie B.',  # a kind of film
        'Merece el "Mejor cortometraje animado" sin dudarlo.',  # an award category
        'El cartel final pone "Nunca más lo haré." en letras rojas.',  # a sentence with its full stop
        'Ella susurra en inglés. Traducción: "Vamos a hacerlo" y se apaga la luz.',  # a translation
        "Dice que fue la ciudad desnuda de Jules Dassin (1948) la que lo inspiró.",  # a director, not a title
        'Me encantó el capítulo en que llega el personaje "Vince Lobo".',  # a character
        'Y no te deja pensando "Oh, ya he estado allí" al salir.',  # speech opening with an interjection
        'Con Pawel Szajda como "Ricky Boy", el chico del grupo.',  # a character
        'Owen llamó a Larry, "Primo Patty", y todos rieron.',  # a name someone is called
    ],
)
def test_quotes_that_are_not_film_titles(text: str) -> None:
    assert titles(text) == {}, titles(text)


def test_a_bracketed_list_of_favourites_names_films() -> None:
    found = titles("Mis slashers favoritos (Martyrs, Sleepaway Camp, la Viernes 13 original) daban miedo de verdad.")
    assert {"Martyrs", "Sleepaway Camp"} <= set(found), found


def test_a_cast_heading_gives_the_actor_role_to_the_list() -> None:
    found = people("Dirigida por: Paco Plaza. Reparto: Leticia Dolera, Javier Botet y Manuela Velasco.")
    assert all("actor" in found[n][0] for n in ("Leticia Dolera", "Javier Botet", "Manuela Velasco")), found
    assert "director" in found["Paco Plaza"][0]


def test_a_titled_name_without_a_credit_is_a_character() -> None:
    found = people("Lady Tremaine es cruel y el Capitán Alatriste duda, mientras Emma Suárez interpreta a la madre.")
    assert "Lady Tremaine" not in found and "Capitán Alatriste" not in found and "Emma Suárez" in found


def test_an_ellipsis_does_not_hide_the_acting_sentence_before_a_name() -> None:
    found = people("Nadie en el reparto había actuado antes ... La única que sonaba creíble era Aitana Sánchez-Gijón.")
    assert "actor" in found["Aitana Sánchez-Gijón"][0], found


def test_quotes_that_stay_titles_beside_the_vetoes() -> None:
    found = titles('Vi "El Dr. Caligari" y "Mary Poppins" el mismo día, y la película "Rumbo al Sur" después.')
    assert {"El Dr. Caligari", "Mary Poppins", "Rumbo al Sur"} <= set(found), found


def test_a_starring_heading_glued_to_the_line_before_and_garbled() -> None:
    found = people("Dirigida por: Ana FerreroStoring: Marta Gil, Pedro Sanz y Luis Roaplot: Una familia se muda.")
    assert "director" in found["Ana Ferrero"][0], found
    assert all("actor" in found[n][0] for n in ("Marta Gil", "Pedro Sanz", "Luis Roa")), found
    assert "Luis Roaplot" not in found


def test_a_band_led_by_someone_is_not_a_directing_credit() -> None:
    found = people("Una orquesta de gatos (dirigida por Tito Lamas) anima la fiesta del barrio.")
    assert "director" not in found["Tito Lamas"][0], found


def test_a_rare_english_verb_left_after_a_name_is_cut() -> None:
    found = people("Entonces el inspector Pablo Mena Stares a la puerta cerrada durante minutos.")
    assert "Pablo Mena" in found and "Pablo Mena Stares" not in found, found


def test_a_relative_with_its_own_name_is_the_character() -> None:
    # MT for "Lucía's father Ramiro (Andrés Gil)": the actor plays Ramiro, and "Lucía Ramiro" is nobody.
    found = people("El padre de Lucía Ramiro (Andrés Gil) es piloto y casi nunca está en casa.")
    assert found["Andrés Gil"] == (["actor"], "Ramiro"), found
    assert "Lucía Ramiro" not in found


def test_short_forms_and_reorderings_of_a_title_are_the_same_film() -> None:
    found = titles(
        'Me recordó a "Planes, viajes y amigos" (1987). Todo lo roba de "PVA", sin citar a "P V & A". '
        'Luego "Látigo Diablo" sigue igual: "Diablo\'sLátigo" es lenta.'
    )
    assert set(found) == {"Planes, viajes y amigos", "Látigo Diablo"}, found
    assert found["Planes, viajes y amigos"] == 1987


def test_a_stray_closing_quote_is_not_part_of_the_title() -> None:
    assert titles("Esta película roba mucho de 'Caen Sombras' (2003) y se nota.") == {"Caen Sombras": 2003}


def test_an_english_epithet_before_a_full_name_is_not_part_of_it() -> None:
    found = people("La película es un homenaje al difunto Great Paco Martínez, protagonista de la saga.")
    assert "Paco Martínez" in found and "Great Paco Martínez" not in found, found


def test_someone_the_story_calls_by_name_is_a_character_but_a_named_actor_is_not() -> None:
    found = people(
        "Un reportero llamado Andrea Martelli llega al pueblo. Lo interpreta un actor de teatro llamado Toni Sala."
    )
    assert "Andrea Martelli" not in found and "Toni Sala" in found, found


def test_as_a_director_after_a_name_is_a_directing_credit() -> None:
    found = people("Es la película que dio a conocer a Iván Rey como director. Los actores están bien, y Rey también.")
    assert found["Iván Rey"][0] == ["director"], found
    found = people(
        "Sigo intrigado con Haneke como un fabricante de cineastas. El personaje es frío. Michael Haneke no cede."
    )
    assert found["Michael Haneke"][0] == ["director"], found


@pytest.mark.parametrize(
    ("text", "actor", "character"),
    [
        ("Nuria Gago es estupenda como Laura Burgos, y el resto cumple.", "Nuria Gago", "Laura Burgos"),
        ("Su madre Dana es interpretada por Rosa Arquero con mucha ternura.", "Rosa Arquero", "Dana"),
        ("La gata Sassy es doblada por Sara Campo, que también hace un buen trabajo.", "Sara Campo", "Sassy"),
    ],
)
def test_an_actor_judged_in_a_part_and_passive_casting(text: str, actor: str, character: str) -> None:
    found = people(text)
    assert found[actor] == (["actor"], character), found
    assert character not in found


def test_a_relative_pronoun_between_a_name_and_its_credit() -> None:
    found = people("Nos trataron con el llanto de Ramón Gil, quien interpretó a un pastor sin fe.")
    assert found["Ramón Gil"][0] == ["actor"], found
    found = people("Esta entrega cansa. Toshi Ikeda, quien dirigió la magnífica primera parte, no está.")
    assert found["Toshi Ikeda"][0] == ["director"], found


def test_a_character_with_its_actor_in_brackets_after_played_by() -> None:
    found = people("La doctora Eva Cole (sorprendentemente interpretada por Fiona Sáez) le salva la vida.")
    assert found["Fiona Sáez"] == (["actor"], "Eva Cole"), found
    assert "Eva Cole" not in found


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Un gran guión por Ramiro Vidal es su punto fuerte.", "Ramiro Vidal", "writer"),
        ("Boris Karloff juega un inventor de muñecas que aterroriza al pueblo.", "Boris Karloff", "actor"),
        ("Aparece Casper Van Dien, retratando a un sargento sin gracia.", "Casper Van Dien", "actor"),
    ],
)
def test_more_credit_phrasings_of_translated_reviews(text: str, name: str, role: str) -> None:
    assert role in people(text)[name][0], people(text)


def test_english_words_left_around_a_name_are_trimmed_but_english_given_names_stay() -> None:
    found = people("Luego aparece Haunt Miguel Roca, y después Tomás Gil Madcap, protagonista de la saga.")
    assert "Miguel Roca" in found and "Haunt Miguel Roca" not in found, found
    found = people("Will Smith interpreta a Tim, y el actor Powers Boothe está enorme.")
    assert {"Will Smith", "Powers Boothe"} <= set(found), found
    assert not people("Es una de esas cintas de Born French que nadie pidió, pura Beside Liana.")


def test_a_title_keeps_its_offsets_inside_spaced_quotes_and_drops_the_sentence_full_stop() -> None:
    text = 'Clásicos como " Torso ", y el final de un "Air Force 2."'
    found = {f.title: (f.start, f.end) for f in facts(text).films}
    assert text[slice(*found["Torso"])] == "Torso", found
    assert "Air Force 2" in found, found


def test_one_ordinary_word_in_quotes_is_a_scare_quote_unless_something_vouches_for_it() -> None:
    assert titles('Banda sonora pobre, actores sobreactuando, "Acción" a medias y el lado "Otro".') == {}
    vouched = {
        'Rodó la película "Lluvia" en Galicia.': "Lluvia",  # a cue
        'Vi "Volver" (2006) dos veces.': "Volver",  # a year
        '"Béisbol" es un documental largo, pero "Béisbol" engancha.': "Béisbol",  # a kind of work; quoted twice
        'Salía en "Laura", "Crossfire" y otras.': "Laura",  # a list of titles
        'Jennifer Aniston, del elenco de "Amigos", sale poco.': "Amigos",  # a cue
    }
    for text, title in vouched.items():
        assert title in titles(text), (text, titles(text))


def test_a_name_something_is_given_in_the_text_is_a_title() -> None:
    assert "Isla Laputa" in titles('En el Reino Unido se llamaba "Isla Laputa" y la vi de niño.')


def reviewed(text: str) -> str | None:
    return next((f.title for f in facts(text).films if f.reviewed), None)


def test_the_reviewed_film_is_not_the_short_title_inside_a_longer_one() -> None:
    text = (
        'Acabo de saber que "Lagarto contra Cobra" y otra película llamada "Lagarto" son del mismo director. '
        'En "Lagarto contra Cobra" el monstruo sale poco, ruge y muerde. '
        '"Lagarto contra Cobra" es floja.'
    )
    assert reviewed(text) == "Lagarto contra Cobra"


def test_a_verdict_and_the_opening_point_at_the_reviewed_film() -> None:
    text = (
        'Debo decir que "Gatos II: el regreso" es una de las peores películas que he visto. '
        'Fue hecha a la vez que "Perros II" y "Ratones III", todas secuelas baratas. '
        'Nada que ver con "Perros II", que al menos tenía gracia.'
    )
    assert reviewed(text) == "Gatos II: el regreso"


def test_each_prize_keeps_its_own_clause_for_nomination_and_year() -> None:
    found = facts("Fue nominada a tres Golden Globes y ganó el BAFTA.").awards
    assert [(a.award, a.nomination) for a in found] == [("Globo de Oro", True), ("BAFTA", False)]
    found = facts("Se llevó el Oso de Oro en la Berlinale de 2010 y el León de Oro en Venecia.").awards
    assert [(a.award, a.year) for a in found] == [("Oso de Oro", 2010), ("León de Oro", None)]
    found = facts("Fue nominada al Óscar y al Globo de Oro en 1999.").awards
    assert [(a.award, a.year, a.nomination) for a in found] == [("Óscar", 1999, True), ("Globo de Oro", 1999, True)]


def test_a_performance_worthy_of_an_oscar_is_praise_not_a_prize() -> None:
    for text in (
        "Una interpretación de Oscar.",
        "Un guion, no de Oscar, pero sí bien escrito.",
        "Nunca tendrá que ensayar su discurso de Óscar.",
    ):
        assert facts(text).awards == [], text
    for text in ("La ganadora de un Oscar vuelve.", "Estuvo en la gala de los Oscar.", "Ganó el Oscar en 1998."):
        assert [a.award for a in facts(text).awards] == ["Óscar"], text


def test_one_sentence_naming_a_prize_twice_reports_it_once_and_two_sentences_twice() -> None:
    one = facts("Se llevó el Oscar como mejor actriz en la pasada ceremonia de los Oscar.").awards
    assert [a.award for a in one] == ["Óscar"]
    two = facts("Se llevó el Oscar como mejor actriz. Su compañera ganó otro Oscar el año siguiente.").awards
    assert [a.award for a in two] == ["Óscar", "Óscar"]


def test_a_film_named_only_to_compare_is_not_the_reviewed_one() -> None:
    text = (
        "Una nave llega a un planeta lejano donde vive un sabio con su hija. El capitán sospecha del sabio, "
        "la hija se enamora del capitán y un monstruo invisible ataca el campamento cada noche. La trama avanza "
        "despacio, pero los decorados y la música electrónica la sostienen hasta el final, que sorprende. "
        "Sus ideas serían luego copiadas por programas como Viaje Estelar, en episodios de Viaje Estelar "
        'y hasta en la serie original de Viaje Estelar. "Gatos del espacio" es una película peor que esta.'
    )
    assert reviewed(text) is None, [(f.title, f.reviewed) for f in facts(text).films]
    assert reviewed("Como premisa, esta versión de Bosque Oscuro funciona. Bosque Oscuro asusta.") == "Bosque Oscuro"


def test_explain_names_the_registered_rule_behind_every_fact() -> None:
    import critica
    from critica.facts.rules import RULE_IDS, RULES

    text = (
        "La película «Niebla» (1994), dirigida por Lucía Ferrer, ganó la Concha de Oro. Recuerda a Tesis (1996) "
        "y a Shrek 2. Protagonizada por Mario Ibáñez y Rosa Vidal, con Pedro Gómez Ruiz (Andrés)."
    )
    plain = critica.Pipeline.from_config(critica.Config(tier="fast", stages=("sentiment", "facts"))).analyze(text)
    explained = critica.Pipeline.from_config(
        critica.Config(tier="fast", stages=("sentiment", "facts"), explain=True)
    ).analyze(text)
    data = explained.to_dict()
    assert "explain" not in plain.to_dict() and data["facts"] == plain.to_dict()["facts"]
    hits = {(h["kind"], h["index"]): h["rule"] for h in data["explain"]}
    facts_count = sum(len(data["facts"][kind]) for kind in ("films", "people", "awards"))
    assert len(hits) == facts_count > 0 and set(hits.values()) <= RULE_IDS
    produces = {rule.id: rule.produces for rule in RULES}
    assert all(produces[rule] == kind for (kind, _), rule in hits.items())
    rule_of = {
        data["facts"][kind][i].get("title") or data["facts"][kind][i].get("name") or data["facts"][kind][i]["award"]: r
        for (kind, i), r in hits.items()
    }
    assert rule_of["Niebla"] == "film.quoted"
    assert rule_of["Tesis"] == "film.with_year"
    assert rule_of["Shrek 2"] == "film.sequel"
    assert rule_of["Lucía Ferrer"] == "person.credited"
    assert rule_of["Rosa Vidal"] == "person.listed"
    assert rule_of["Concha de Oro"] == "award.prize"


@pytest.mark.parametrize(
    ("text", "name", "roles", "character"),
    [
        # a crew word in the name's sentence, nearest first; a crew word opening the next sentence
        ("Y Joaquín Rey hace magia en la fotografía, sin duda.", "Joaquín Rey", ["cinematographer"], None),
        ("Marta Lobo es una de mis debilidades. Como directora no tiene rival.", "Marta Lobo", ["director"], None),
        # a title's "de" names its director
        ("Me encantó «Mar adentro» de Alejandro Amenábar, sin reservas.", "Alejandro Amenábar", ["director"], None),
        # "llamado X (Y)": the story's name is the character's
        ("Un empresario llamado Félix Robles (Esteso) abre un local.", "Esteso", ["actor"], "Félix Robles"),
        # a rank inside the brackets belongs to the character
        ("Lo mejor: Juan Pardo (Sargento Luis Ortega).", "Juan Pardo", ["actor"], "Sargento Luis Ortega"),
        # judged in a part, with the part's rank or "en el rol de"
        ("Tomás Law es agradable como el diputado Scott Ruiz.", "Tomás Law", ["actor"], "Scott Ruiz"),
    ],
)
def test_native_credit_phrasing(text: str, name: str, roles: list[str], character: str | None) -> None:
    found = people(text)
    assert found[name] == (roles, character), found


def test_a_category_word_is_not_a_person() -> None:
    assert "Mejor" not in people("Se llevó el Oscar como Mejor actriz y como Mejor actriz secundaria.")


def test_a_long_list_of_full_names_is_a_cast() -> None:
    found = people("Por no hablar de Ana Ruiz, Pedro Gil, Luis del Real, Marta Soto y Eva Llada, que no conozco.")
    assert all(found[name][0] == ["actor"] for name in ("Ana Ruiz", "Pedro Gil", "Marta Soto", "Eva Llada")), found
    few = people("Habla a la manera de Michael Moore, Clooney y Penn, con el mismo discurso.")
    assert all(roles == [] for roles, _ in few.values()), few  # three names, two of them single: not a cast


def test_a_kind_of_person_or_a_part_is_not_a_person() -> None:
    assert "Femme Fatale" not in people("El piloto es seducido por una Femme Fatale en la primera escena.")
    assert "James Bond" not in people("Daniel Craig pudo convertirse en James Bond, un papel que lo cambió todo.")
    assert "Daniel Craig" in people("Daniel Craig pudo convertirse en James Bond, un papel que lo cambió todo.")


def test_a_full_name_listed_next_to_a_person_is_a_person() -> None:
    # spaCy's NER calls the first a place and the last MISC here; the list says they are people
    found = people(
        "Resaltar el esfuerzo interpretativo de las protagonistas. Verónica Sánchez y Pilar López de Ayala "
        "mantienen un buen tono, aunque sin exagerar."
    )
    assert {"Verónica Sánchez", "Pilar López de Ayala"} <= set(found), found
    assert "Gabriella Pession" in people("Y para mí brillan Marta Etura, Nadia De Santiago y Gabriella Pession.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a film named by its maker: a person, and a director when nothing else says otherwise
        ("La última de Almodóvar es un melodrama sin alma.", {"Almodóvar": ["director"]}),
        ("Lo nuevo de Woody Allen vuelve a Manhattan.", {"Woody Allen": ["director"]}),
        (
            "Russell Crowe, a las órdenes de Ridley Scott, está enorme.",
            {"Russell Crowe": ["actor"], "Ridley Scott": ["director"]},
        ),
        # "con un/una" + a full name, or a lone name with its adjective: the cast member judged
        ("Un drama rural con un Javier Bardem que se come la pantalla.", {"Javier Bardem": ["actor"]}),
        ("Funciona, con un Bardem inmenso.", {"Bardem": ["actor"]}),
        # …but not a prize, a place or a plain capitalised word
        ("Un estreno con un Oscar merecido y una Londres de postal.", {}),
        ("Lo mejor: con una Fotografía preciosa.", {}),
    ],
)
def test_spanish_reviewers_own_credit_phrasing(text: str, expected: dict[str, list[str]]) -> None:
    assert {name: roles for name, (roles, _) in people(text).items()} == expected


def test_a_film_named_by_its_maker_is_not_a_title_and_a_genre_is_never_a_person() -> None:
    from critica.facts.title_spans import TitleTagger

    found = extract_facts(prepare("La última de Almodóvar es otro melodrama."), TitleTagger())
    assert [f.title for f in found.films] == [] and [p.name for p in found.people] == ["Almodóvar"]
    assert people("Una peli de Artes Marciales con mucha acción y poco guion.") == {}
    assert people("Un clásico de la Ciencia Ficción con Sigourney Weaver.").keys() == {"Sigourney Weaver"}


def test_the_imperfect_tense_credits_and_a_crew_word_with_its_own_name_credits_nobody_else() -> None:
    text = (
        "Fui porque salía Ryan Gosling y porque la dirigía Denis Villeneuve. "
        "La fotografía de Roger Deakins es preciosa."
    )
    assert {name: roles for name, (roles, _) in people(text).items()} == {
        "Ryan Gosling": ["actor"],
        "Denis Villeneuve": ["director"],
        "Roger Deakins": ["cinematographer"],
    }


@pytest.mark.parametrize(
    ("text", "actor", "character"),
    [
        # translation leaves passive casting in apposition, and "played by" as "jugado por"
        ("Ada Monroe, interpretada por Nicole Kidman, llega al pueblo.", "Nicole Kidman", "Ada Monroe"),
        ("Edward Lewis, jugado por Richard Gere, es un hombre de negocios.", "Richard Gere", "Edward Lewis"),
        ("Rudy, que es interpretado por Chris Makepeace, es el protagonista.", "Chris Makepeace", "Rudy"),
        ("Charlie está bellamente retratada por Tom Hanks.", "Tom Hanks", "Charlie"),
        ("Ray juega el papel de Michael Stuart.", "Ray", "Michael Stuart"),
        ("George Clooney como el Sr. Fox es genial.", "George Clooney", "Fox"),  # article and honorific
    ],
)
def test_casting_phrasings_of_translated_reviews_pair_the_character(text: str, actor: str, character: str) -> None:
    assert people(text) == {actor: (["actor"], character)}


def test_credit_cues_hold_when_the_review_skips_accents() -> None:
    assert people("Leonardo DiCaprio esta genial como Cobb.") == {"Leonardo DiCaprio": (["actor"], "Cobb")}
    assert people("Protagonizada por Lola Duenas, la pelicula conmueve.") == {"Lola Duenas": (["actor"], None)}


@pytest.mark.parametrize(
    ("text", "award"),
    [
        ("Banderas ganó el premio al mejor actor en Cannes.", "premio al mejor actor"),
        ("Se llevó el premio a la mejor dirección y poco más.", "premio a la mejor dirección"),
        ("Ganó el premio a la mejor actriz de reparto.", "premio a la mejor actriz de reparto"),
        ("Obtuvo el premio al mejor guion original.", "premio al mejor guion original"),
    ],
)
def test_a_generic_prize_never_ends_on_a_function_word(text: str, award: str) -> None:
    assert [a.award for a in facts(text).awards] == [award]


def test_a_prize_without_its_own_event_takes_only_a_festival_of_its_clause() -> None:
    found = facts("Se llevó el Goya a la mejor película y Banderas ganó el premio al mejor actor en Cannes.").awards
    assert [(a.award, a.event) for a in found] == [("Goya", None), ("premio al mejor actor", "Festival de Cannes")]


def test_translated_plays_without_its_a_and_a_verdict_noun_point_at_character_and_reviewed_film() -> None:
    assert people("Tim Robbins juega Andy Dufresne, un banquero.") == {"Tim Robbins": (["actor"], "Andy Dufresne")}
    opening = "La vi en el cine cuando se estrenó y la he visto muchas veces desde entonces. " * 5  # past the opening
    assert reviewed(opening + '"Cadena perpetua" es una obra maestra.') == "Cadena perpetua"


def test_giving_the_reply_is_acting() -> None:
    # "dar la réplica": to play opposite someone
    assert people("Y Marion Cotillard le da la réplica perfecta.") == {"Marion Cotillard": (["actor"], None)}


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Es la nueva película de J.A. Bayona y se nota en cada plano.", "J.A. Bayona", "director"),
        ("Dirigida por P.J. Hogan, la comedia funciona a ratos.", "P.J. Hogan", "director"),
        ("La música de J.R.R. Mendoza acompaña sin imponerse.", "J.R.R. Mendoza", "composer"),
    ],
)
def test_glued_initials_are_part_of_the_name(text: str, name: str, role: str) -> None:
    found = people(text)
    assert name in found, found  # not "J. Hogan", nor lost
    assert role in found[name][0]


def test_abbreviations_shaped_like_initials_are_not_people() -> None:
    found = people("Tras L.A. Confidential, Curtis Hanson no volvió a estar tan inspirado en EE.UU. Miami.")
    assert not any("L.A." in name or "EE.UU." in name for name in found), found


@pytest.mark.parametrize(
    "text",
    [
        "Linda Hamilton vuelve como Sarah Connor y se come la pantalla.",
        "Linda Hamilton se mete en la piel de Sarah Connor con una fuerza que asusta.",
    ],
)
def test_native_casting_phrases_pair_the_actor_with_the_character(text: str) -> None:
    found = people(text)
    assert found.get("Linda Hamilton") == (["actor"], "Sarah Connor"), found
    assert "Sarah Connor" not in found


class _TagsEveryName:
    """A stand-in title tagger that marks a given word as a title wherever it occurs."""

    def __init__(self, word: str) -> None:
        self.word = word

    def spans(self, text: str, ents, pieces) -> list[tuple[int, int]]:
        found, at = [], text.find(self.word)
        while at >= 0:
            found.append((at, at + len(self.word)))
            at = text.find(self.word, at + 1)
        return found


def test_a_tagged_title_that_the_text_pairs_with_an_actor_is_a_character() -> None:
    from critica.facts.stage import find_facts

    text = "En la película, dos amantes, Irene (Marta Gaztelu) y Pablo (Iñaki Sorozabal), se separan."
    found = find_facts(prepare(text), tagger=_TagsEveryName("Irene"))
    assert [f.title for f in found.films] == []
    assert {p.name: p.character for p in found.people}["Marta Gaztelu"] == "Irene"
    kept = find_facts(prepare("Vimos Irene en el cine de verano."), tagger=_TagsEveryName("Irene"))
    assert [f.title for f in kept.films] == ["Irene"]  # no pair: the tagger's title stands


def test_a_crew_word_that_introduces_a_name_credits_only_that_name() -> None:
    text = (
        "Tras la muerte de Joseph Stalin en 1953, todo cambió en el cine. "
        "No fue hasta 1957 cuando el director Mikhail Kalatozov se atrevió."
    )
    found = {p.name: p.roles for p in facts(text).people}
    assert found["Mikhail Kalatozov"] == ["director"] and found["Joseph Stalin"] == []


@pytest.mark.skipif(not SEED.exists(), reason="showcase review not here")
def test_showcase_review_through_the_default_pipeline() -> None:
    result = critica.get_pipeline().analyze(SEED.read_text(encoding="utf-8"))
    assert [f.title for f in result.facts.films] == ["Las grúas están volando"]
    by_name = {p.name: p for p in result.facts.people}
    assert by_name["Tatyana Samojlova"].character == "Veronika"
    assert by_name["Joseph Stalin"].roles == []  # "el director Mikhail Kalatozov" is Kalatozov's credit
    assert [(f.festival, f.year) for f in result.facts.festivals] == [("Festival de Cannes", 1958)]


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        ("La veterana ganó un Oscar por Shakespeare in love hace años.", ["Shakespeare in love"]),
        (
            "Me recordó a Lost in Translation y a Letters from Iwo Jima, sin su calma.",
            ["Lost in Translation", "Letters from Iwo Jima"],
        ),
        ("Love is not enough, decía la canción. La película aburre.", []),  # an English phrase opening a sentence
        ("Ayer vimos Group of College Girls Dirígete en casa.", ["Group of College Girls"]),  # stops before Spanish
    ],
)
def test_english_titles_without_quotes(text: str, titles: list[str]) -> None:
    assert [f.title for f in facts(text).films] == titles


def test_entity_ranges_answer_overlaps_like_a_scan_of_every_range() -> None:
    import random

    from critica.facts.people import EntityRanges

    rng = random.Random(7)
    for _ in range(200):
        cuts = sorted(rng.sample(range(200), 2 * rng.randint(0, 8)))
        ranges = list(zip(cuts[::2], cuts[1::2], strict=True))  # sorted, never overlapping, like entities
        index = EntityRanges(rng.sample(ranges, len(ranges)))
        for _ in range(20):
            start = rng.randrange(200)
            end = start + rng.randint(1, 30)
            assert index.overlaps(start, end) == any(a < end and start < b for a, b in ranges)
