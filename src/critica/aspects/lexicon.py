"""Hand-written Spanish lexicons: the eight film aspects and the opinion words that judge them.

Aspect terms are lemmas (single words) or lemma sequences (multiword), so
"actuaciones" and "la actuación" both hit "actuación". Machine-translation
variants common in IMDB-es are included ("parcela" for plot, "puntuación"
for score, "cinematografía" for cinematography).
"""

from __future__ import annotations

ASPECT_TERMS: dict[str, list[str]] = {
    # Not "luz" or "color" alone: too often about something else than the images.
    "fotografia": [
        "fotografía",
        "cinematografía",
        "cámara",
        "encuadre",
        "iluminación",
        "imagen",
        "plano",
        "toma",
        "fotógrafo",
        "cinematógrafo",
        "camarógrafo",
        "visual",
        "visualmente",
        "estética",
        "composición",
        "colorido",
        "paisaje",
        "director de fotografía",
        "trabajo de cámara",
        "primer plano",
    ],
    "actuacion": [
        "actuación",
        "interpretación",
        "reparto",
        "elenco",
        "actor",
        "actriz",
        "intérprete",
        "casting",
        "protagonista",
        "actuar",
        "papel",
        "coprotagonista",
        "secundario",
        "trabajo actoral",
        "prota",  # native slang: "el prota está genial"
    ],
    "direccion": [
        "dirección",
        "director",
        "directora",
        "dirigir",
        "realización",
        "cineasta",
        "realizador",
        "puesta en escena",
    ],
    "guion": [
        "guion",
        "guión",
        "trama",
        "historia",
        "argumento",
        "diálogo",
        "final",
        "desenlace",
        "parcela",
        "guionista",
        "narrativa",
        "giro",
        "personaje",
        "premisa",
        "escritura",
        "chiste",
        "humor",
        "línea argumental",
        "narración",
    ],
    "musica": [
        "música",
        "banda sonora",
        "partitura",
        "sonido",
        "canción",
        "compositor",
        "melodía",
        "puntuación",
        "tema musical",
        "musical",
        "efecto de sonido",
    ],
    # Not "largo" ("a lo largo de") nor "minuto" ("los primeros 20 minutos"): rarely about pace.
    "ritmo": [
        "ritmo",
        "montaje",
        "edición",
        "duración",
        "aburrido",
        "lento",
        "lentitud",
        "tedioso",
        "aburrimiento",
        "entretenido",
        "trepidante",
        "ágil",
        "metraje",
        "pesado",
        "larguísimo",  # native: "se me hizo larguísima" (the lemmatizer may keep the feminine)
        "larguísima",
        "interminable",
        "soporífero",
    ],
    # Not a bare "especial": "habilidades especiales", "educación especial" say "special"; the
    # effects are "efectos especiales", matched whole.
    "efectos": [
        "efecto especial",
        "efecto visual",
        "efecto",
        "cgi",
        "maquillaje",
        "animación",
        "digital",
        "criatura",
    ],
    # Not a bare "producción" or "escenario": reviews use them for the film itself and the plot.
    "produccion": [
        "decorado",
        "vestuario",
        "escenografía",
        "presupuesto",
        "ambientación",
        "localización",
        "diseño de producción",
        "dirección de arte",  # the art department, not the director's work
        "valor de producción",
        "traje",
    ],
}

# Aspect words that carry their own judgement ("aburrida" is a bad pace by itself).
INHERENT_POLARITY: dict[str, float] = {
    "aburrido": -1.0,
    "lento": -0.8,
    "lentitud": -0.8,
    "tedioso": -1.0,
    "aburrimiento": -1.0,
    "pesado": -0.6,
    "entretenido": 1.0,
    "trepidante": 1.0,
    "ágil": 1.0,
    "larguísimo": -0.8,
    "larguísima": -0.8,
    "interminable": -1.0,
    "soporífero": -1.0,
}

_POSITIVE = """bueno excelente brillante magnífico maravilloso genial impresionante espléndido soberbio magistral
hermoso bello precioso deslumbrante notable sólido eficaz convincente creíble conmovedor emocionante memorable
perfecto fantástico increíble estupendo sobresaliente cuidado elegante inspirado acertado divertido gracioso
ingenioso inteligente original fresco intenso atmosférico bonito agradable fascinante excepcional cumplir brillar
destacar funcionar encantar gustar lucir acertar mejor gran grande impecable sublime dinámico realista adecuado
bien efectivo logrado potente poderoso divertir hilarante espectacular asombroso admirable delicioso sutil
encantador oscarizable fiel creativo vibrante evocador inolvidable hábil talentoso competente digno correcto
atractivo refrescante apasionante absorbente cautivador conmover impresionar maestro obra maestra joya
estupendamente maravillosamente perfectamente excelentemente acertadamente disfrutar recomendar amar""".split()
_NEGATIVE = """malo mal pésimo horrible terrible horroroso espantoso mediocre flojo pobre aburrido lento tedioso
pesado soso previsible absurdo ridículo torpe forzado artificial desastre desastroso decepcionante decepción peor
barato cutre chapucero incoherente confuso vacío exagerado sobreactuado irritante molesto insoportable infumable
olvidable decaer fallar fracasar arruinar estropear sobrar faltar carecer cansino repetitivo monótono interminable
eterno insulso ruidoso machacón estridente risible patético basura bodrio tontería débil falso innecesario
mediocridad error problema defecto lamentable penoso plano acartonado rígido inexpresivo estúpido tonto
ilógico absurdamente horriblemente pobremente odiar detestar sufrir desperdiciar desperdicio
perder agujero inverosímil fatal nefasto chirriar chirriante vergonzoso cursi empalagoso
predecible superficial caótico ausente irrelevante decepcionar aburrir cansar dormir""".split()

OPINION_WORDS: dict[str, float] = {**{w: 1.0 for w in _POSITIVE}, **{w: -1.0 for w in _NEGATIVE}}
INTENSIFIERS: dict[str, float] = {
    "muy": 1.5,
    "realmente": 1.4,
    "totalmente": 1.5,
    "absolutamente": 1.6,
    "increíblemente": 1.6,
    "sumamente": 1.6,
    "tan": 1.3,
    "bastante": 1.2,
    "verdaderamente": 1.4,
    "sencillamente": 1.3,
    "extremadamente": 1.6,
    "especialmente": 1.2,
    "poco": -0.8,  # "poco convincente" turns the word around
}
# Clause boundaries inside a sentence: what follows a contrast marker is judged on its own.
CONTRAST_MARKERS = (
    "pero",
    "aunque",
    "sin embargo",
    "a pesar de",
    "no obstante",
    "mientras que",
    "aun así",
    "sino",
    "en cambio",
)
