"""Name and subject lists for generated rosters (common US names, written for this project)."""

from __future__ import annotations

import re
from functools import lru_cache

FIRST_NAMES = (
    "Aaron", "Abigail", "Adam", "Adriana", "Ahmed", "Aiden", "Alejandro", "Alexis", "Alicia",
    "Amara", "Amelia", "Andre", "Angela", "Anika", "Anthony", "Ava", "Ben", "Bianca", "Brandon",
    "Brianna", "Caleb", "Camila", "Carlos", "Carmen", "Chloe", "Christopher", "Claire", "Daniel",
    "Daniela", "Darius", "Deborah", "Diego", "Dylan", "Elena", "Eli", "Elijah", "Ella", "Emma",
    "Eric", "Ethan", "Evelyn", "Fatima", "Felix", "Gabriel", "Grace", "Hannah", "Hector",
    "Henry", "Imani", "Isaac", "Isabella", "Ivan", "Jacob", "Jade", "Jamal", "Jasmine", "Javier",
    "Jordan", "Joseph", "Julia", "Julian", "Kai", "Kayla", "Keisha", "Leah", "Leo", "Liam",
    "Lily", "Logan", "Lucas", "Lucia", "Luis", "Madison", "Malik", "Marcus", "Mariana", "Mason",
    "Maya", "Mei", "Mia", "Miguel", "Mila", "Nadia", "Naomi", "Nathan", "Nia", "Noah", "Nora",
    "Oliver", "Olivia", "Omar", "Owen", "Paige", "Priya", "Quinn", "Rafael", "Rania", "Riley",
    "Rosa", "Ruby", "Ryan", "Samuel", "Sana", "Sebastian", "Sofia", "Sophie", "Tariq", "Tessa",
    "Theo", "Valeria", "Victor", "Violet", "Wei", "Wyatt", "Ximena", "Yara", "Yusuf", "Zara",
    "Zoe",
)

LAST_NAMES = (
    "Abbott", "Acosta", "Adams", "Alvarez", "Anderson", "Baker", "Banerjee", "Barnes", "Bell",
    "Bennett", "Bishop", "Blake", "Bryant", "Burke", "Campbell", "Carter", "Castillo", "Chang",
    "Chavez", "Clarke", "Coleman", "Collins", "Cooper", "Cruz", "Dawson", "Delgado", "Diaz",
    "Dixon", "Dunn", "Edwards", "Ellis", "Espinoza", "Evans", "Farah", "Ferguson", "Fischer",
    "Fleming", "Flores", "Ford", "Foster", "Fuentes", "Gibson", "Gomez", "Gordon", "Graham",
    "Grant", "Gupta", "Hale", "Hamilton", "Hansen", "Harper", "Hayes", "Herrera", "Hoang",
    "Holland", "Howard", "Hughes", "Ibrahim", "Jackson", "Jenkins", "Jimenez", "Kang", "Keller",
    "Kennedy", "Khan", "Kim", "Kowalski", "Lam", "Lane", "Larsen", "Le", "Leblanc", "Lee",
    "Lewis", "Lindqvist", "Lozano", "Lucero", "Mahmoud", "Marshall", "Mason", "Medina",
    "Mendoza", "Meyer", "Mitchell", "Molina", "Montoya", "Morales", "Moreno", "Murphy", "Myers",
    "Nakamura", "Navarro", "Nelson", "Novak", "Nunez", "Okafor", "Okoye", "Olson", "Ortega",
    "Owens", "Park", "Parker", "Pena", "Perry", "Peterson", "Phillips", "Porter", "Price",
    "Quinn", "Ramos", "Reyes", "Richards", "Rivera", "Robinson", "Rojas", "Russell", "Saito",
    "Salazar", "Sanders", "Santos", "Schmidt", "Shah", "Shaw", "Silva", "Simmons", "Singh",
    "Soto", "Stewart", "Sullivan", "Suzuki", "Tanaka", "Torres", "Tran", "Tucker", "Turner",
    "Vargas", "Vasquez", "Vega", "Wagner", "Walsh", "Ward", "Watson", "Webb", "Weber", "Wells",
    "Whitaker", "Yamamoto", "Young", "Zhang", "Zimmerman",
    "O'Connell", "Du Pont", "Ramirez-Soto",
)

SUBJECTS = (
    "Biology", "Chemistry", "Physics", "Earth Science", "Physical Science", "AP Biology",
    "AP Chemistry", "AP Physics 1", "Environmental Science", "Anatomy", "Forensic Science",
    "Integrated Science", "Astronomy", "Marine Biology",
)

SCHOOL_KINDS = ("High School", "Middle School", "Academy", "STEM Academy", "Junior High")


@lru_cache(maxsize=65536)  # generated rosters repeat the same names many times
def email_local(*parts: str) -> str:
    """Join name parts into an email local part: lowercase letters and digits, dot-separated."""
    cleaned = (re.sub(r"[^a-z0-9]", "", part.lower()) for part in parts)
    return ".".join(p for p in cleaned if p)
