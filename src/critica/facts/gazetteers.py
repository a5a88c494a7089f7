"""Hand-written word lists for film facts: awards, festivals, role cues, title cues.

Each award lists the forms reviews use, including what machine translation
leaves behind ("Palm D'or", "Academy Award"); matching is case-insensitive.
"""

from __future__ import annotations

# canonical Spanish name → (regex alternatives, festival it belongs to)
AWARDS: dict[str, tuple[list[str], str | None]] = {
    "Óscar": ([r"[óo]scars?", r"[óo]scares", r"academy awards?", r"premios? de la academia"], None),
    "Palma de Oro": ([r"palma de oro", r"palme? d['’ ]?or"], "Festival de Cannes"),
    "León de Oro": ([r"le[óo]n de oro", r"golden lion", r"leone d['’]oro"], "Festival de Venecia"),
    "Oso de Oro": ([r"oso de oro", r"golden bear"], "Festival de Berlín"),
    "Concha de Oro": ([r"concha de oro", r"golden shell"], "Festival de San Sebastián"),
    "Globo de Oro": ([r"globos? de oro", r"golden globes?"], None),
    "Goya": ([r"goyas?", r"premios? goya"], None),
    "BAFTA": ([r"baftas?"], None),
    "César": ([r"premios? c[ée]sar", r"c[ée]sar (?:a|al|a la) mejor"], None),
    "Ariel": ([r"premios? ariel", r"ariel (?:a|al|a la) mejor"], None),
    "Emmy": ([r"emmys?", r"premios? emmy"], None),
    "Razzie": ([r"razzies?", r"frambuesas? de oro", r"golden raspberr(?:y|ies)"], None),
}

# canonical festival → regex alternatives
FESTIVALS: dict[str, list[str]] = {
    "Festival de Cannes": [r"(?:festival (?:internacional )?de (?:cine de )?)?cannes"],
    "Festival de Venecia": [r"festival (?:internacional )?de (?:cine de )?venecia", r"mostra de venecia"],
    "Festival de Berlín": [r"festival (?:internacional )?de (?:cine de )?berl[íi]n", r"berlinale"],
    "Festival de San Sebastián": [r"festival (?:internacional )?de (?:cine de )?san sebasti[áa]n"],
    "Festival de Sundance": [r"(?:festival (?:de cine )?de )?sundance"],
    "Festival de Toronto": [r"festival (?:internacional )?de (?:cine de )?toronto"],
    "Festival de Málaga": [r"festival (?:de cine )?de m[áa]laga"],
    "Festival de Sitges": [r"festival (?:de cine )?de sitges"],
    "Festival de Locarno": [r"festival (?:de cine )?de locarno"],
    "Festival de Tribeca": [r"festival (?:de cine )?de tribeca"],
    "Festival de Guadalajara": [r"festival (?:internacional )?de (?:cine de )?guadalajara"],
    "Festival de Mar del Plata": [r"festival (?:internacional )?de (?:cine de )?mar del plata"],
}

# Role cue phrases. BEFORE cues precede the name ("dirigida por X"), AFTER cues follow it ("X dirige").
# More specific cues come first: "director de fotografía" must win over "director".
ROLE_BEFORE: list[tuple[str, str]] = [
    (
        "cinematographer",
        r"director(?:a)? de (?:la )?fotograf[íi]a|cinemat[óo]grafo|cinemat[óo]grafa|camar[óo]grafo"
        r"|camar[óo]grafa|fot[óo]grafo|fotograf[íi]a de|cinematograf[íi]a de|c[áa]mara de",
    ),
    ("composer", r"compositor(?:a)?|m[úu]sica (?:original )?de|banda sonora de|partitura de|m[úu]sico"),
    ("editor", r"montador(?:a)?|editor(?:a)?|montaje de|edici[óo]n de"),
    ("producer", r"productor(?:a)?(?: ejecutivo| ejecutiva)?|producid[oa]s? por|producci[óo]n de"),
    (
        "writer",
        r"guionista|escritor(?:a)?|gui[óo]n(?:es)? (?:\w+ )?(?:de|por)|escrit[oa]s? por|novelista|dramaturgo"
        r"|basad[oa] en (?:la|el) (?:novela|libro|obra) de",
    ),
    (
        "director",
        # Not "la película de X": X is as often a genre ("de terror", "de Heist") or a studio as a director.
        r"director(?:a)?|cineasta|realizador(?:a)?|dirigid[oa]s? por|direcci[óo]n de|dirigida y escrita por"
        # "la dirigía Denis Villeneuve", "la dirige Almodóvar": the verb before its subject, which the object
        # pronoun marks ("dirigió Underworld" names the object)
        r"|(?:la|lo|las|los) (?:dirige|dirig[íi]a|dirigi[óo])",
    ),
    (
        "actor",
        r"actor|actriz|actores|actrices|protagonizad[oa]s? por|protagonista|estrella|coprotagonista|int[ée]rprete"
        r"|actuaci[óo]n de|interpretaci[óo]n de|interpretad[oa]s? por|elenco (?:formado por|con)"
        r"|reparto (?:formado por|con)|starring|(?:reparto|elenco|protagonistas|estrellas|int[ée]rpretes)\s*:"
        # An IMDb "Starring:" heading, garbled by translation ("Storing:") or glued to the line before
        # when line breaks were lost ("Nelson McCormickStoring:", "Just CausEstarring:").
        r"|\w*(?:starring|storing)\s*:",
    ),
]
# "la última de Almodóvar", "lo nuevo de Woody Allen", "el debut de Oliver Parker": the film's maker
# (in 100 such phrases of the training reviews, about 85 named a person, three in four a director).
MAKER_BEFORE = (
    r"(?:la|lo|el) (?:[úu]ltim[oa]|nuev[oa]|anterior|en[ée]sim[oa]|primer[oa]?|mejor|peor|debut)"
    r"(?: (?:pel[íi]cula|peli|cinta|obra|trabajo|film|filme))? de(?:l director| la directora)?"
)
# Genres and schools are not people, whatever the capitals ("una peli de Artes Marciales").
GENRES = frozenset(
    (
        "artes marciales", "ciencia ficcion", "cine negro", "serie b", "serie z", "film noir", "road movie",
        "kung fu", "spaghetti western", "nouvelle vague", "comedia romantica", "comedia negra", "cine quinqui",
        "cine de terror", "cine de autor", "cine fantastico", "cine espanol", "realismo magico", "cine mudo",
        "neorrealismo italiano", "cine independiente",
    )
)  # fmt: skip
# "Russell Crowe, a las órdenes de Ridley Scott": the name after it directs, the name before it acts.
UNDER_ORDERS = r"a las [óo]rdenes de|bajo la batuta de"
ROLE_AFTER: list[tuple[str, str]] = [
    # "Reitman, conocido como director", "Haneke como un fabricante de cineastas" (MT for "filmmaker")
    (
        "director",
        r"dirige|dirigi[óo]|dirig[íi]a|ha dirigido"
        r"|(?:\w+\s+)?como (?:un\s+)?(?:director|cineasta|realizador|fabricante de)\b",
    ),
    ("writer", r"escribi[óo]|escribe|ha escrito"),
    (
        "actor",
        r"interpreta|interpret[óo]|encarna|encarn[óo]|da vida a|dio vida a|act[úu]a|actu[óo]|protagoniza"
        # "como Tim", "como el malvado Baddie"; never "como si"
        r"|(?-i:como (?=[A-ZÁÉÍÓÚ]))|en el papel de|hace de|juega (?:a|al|un|una)\b|retrat(?:a|ó|ando) a"
        r"|como (?:el|la|un|una) (?!(?:director|directora|cineasta|realizador|fabricante|escritor|guionista|productor"
        r"|compositor)\b)",
    ),
]

# Words that introduce a title: "la película Rififi", "el film X".
TITLE_CUES = (
    r"(?:la|su|una|esta|otra) (?:pel[íi]cula|cinta|serie|miniserie)"
    r"|(?:el|su|este|otro) (?:film|filme|largometraje|documental|remake)"
)

# Unquoted titles after words that introduce another film: "un remake de Psicosis", "películas como Alien".
FILM_REFERENCE_CUES = (
    r"(?:remake|secuela|precuela|continuaci[óo]n|adaptaci[óo]n|versi[óo]n) de"
    r"|(?:pel[íi]culas|filmes|films|series|cl[áa]sicos|programas|t[íi]tulos|comedias|dramas) como"
    r"|(?:pel[íi]cula|cinta|comedia|drama|thriller|western|serie)s? (?:\w+ ){0,2}\w+, como"
    r"|(?:episodios|cap[íi]tulos|temporadas|entregas) de"
    r"|comparad[oa] con|al estilo de|a la altura de"
)

# Capitalised words that start sentences or are common nouns, never names on their own.
NOT_NAMES = frozenset(
    """el la los las un una unos unas lo al del de y e o u ni que en con por para sin sobre entre tras este esta
    estos estas ese esa esos esas aquel aquella su sus mi mis tu tus nuestro nuestra no sí si pero aunque como cuando
    donde mientras también tampoco ya hay es era fue son ser está estaba muy más menos todo todos toda todas nada
    algo alguien nadie cada otro otra otros otras película películas film filme cine director directora actor
    actriz guion guión historia trama final música fotografía cámara escena escenas personaje personajes señor
    señora don doña dr sr sra mr mrs ms miss sir dios hollywood bollywood oscar óscar festival premio premios
    capítulo episodio temporada parte acto lunes martes miércoles jueves viernes sábado domingo enero febrero
    marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre i ii iii iv v vi the a an of and
    in on at to it this that he she they we you i'm imdb dvd tv bbc hbo netflix usa eeuu ee uu reino unido
    francia españa méxico italia alemania rusia china japón india américa europa áfrica asia unión soviética
    segunda primera guerra mundial gran nueva york los ángeles parís londres roma mejor peor""".split()
    # Abbreviations that look like a person's initials (compared without their last dot, lower case).
    + "l.a ee.uu e.e.u.u u.s.a u.s u.k n.y d.c s.w.a.t c.s.i v.o.s v.o p.d e.g.b".split()
)

# English epithets left before a full name by translation ("Great Chris Farley", "Young Pamelyn Ferdin").
ENGLISH_EPITHETS = frozenset("great young old little late poor dear big legendary classic mighty".split())
