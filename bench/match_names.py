"""Name pools for the matcher benchmark's generator (bench/match_data.py).

Drawn independently of checks/matching's vocabulary: many names here are not in it, so the
matcher's "is this a real name" guard has to rely on the roster as it would in production.
"""

from __future__ import annotations

GIVEN = """
Aaliyah Aaron Abigail Adam Adrian Adriana Ahmed Aiden Aisha Alan Albert Alejandra Alejandro
Alex Alexander Alexandra Alicia Alison Allison Alma Alvaro Amanda Amber Amelia Amir Amy Ana
Andre André Andrea Andrew Angel Angela Anita Ann Anna Anne Anthony Antonio April Ariana Arjun
Arthur Ashley Astrid Aubrey Audrey Austin Ava Barbara Beatriz Benjamin Bethany Beverly Bianca
Björn Blake Bonnie Bradley Brandon Brenda Brian Brianna Bridget Brittany Brooke Bruce Bryan
Caleb Cameron Camila Carl Carla Carlos Carmen Carol Caroline Carolyn Catherine Cecilia Chad
Chandra Charles Charlotte Chelsea Cheryl Chloe Chloé Christian Christina Christine Christopher
Cindy Claire Clara Claudia Colin Colleen Connor Courtney Craig Crystal Cynthia Dale Dana
Daniel Danielle Darius David Dawn Dean Deborah Declan Deepa Denise Dennis Derek Desmond Diana
Diane Diego Dmitri Dolores Dominic Donald Donna Doris Dorothy Douglas Dylan Edgar Eduardo
Edward Eileen Elaine Elena Eli Elijah Elizabeth Ella Ellen Emily Emma Eric Erica Erin Esther
Ethan Eugene Eva Evan Evelyn Fatima Felix Fernando Fiona Frances Francisco Frank Gabriel
Gabriela Gareth Gary George Gerald Gina Gloria Grace Graham Grant Gregory Guadalupe Hailey
Hannah Harold Harper Hassan Heather Hector Heidi Helen Henry Hiroshi Holly Hugo Ian Imani
Inés Irene Isaac Isabel Isabella Ivan Jack Jacqueline Jacob Jaime Jamal James Jamie Jane Janet
Janice Jared Jasmine Jason Javier Jean Jeffrey Jennifer Jeremy Jesse Jessica Jesús Jill Joan
Joanna Joaquín Joel John Jonathan Jordan Jorge José Joseph Josephine Joshua Joyce Juan
Judith Julia Julian Julie Justin Kai Karen Karina Katherine Kathleen Katrina Kayla Keisha
Keith Kelly Kenji Kenneth Kevin Kimberly Kristen Kyle Lakshmi Lance Laura Lauren Leah Leon
Leslie Liam Lillian Linda Lindsay Lisa Logan Lorenzo Lori Louis Lucas Lucía Luis Luke Lydia
Madeline Madison Malik Manuel Marcus Margaret Maria María Marie Marilyn Mario Marisol Mark
Marta Martha Martin Mary Mason Matthew Maureen Maya Megan Mei Melanie Melissa Michael Michelle
Miguel Mila Miranda Mohammed Molly Monica Morgan Nadia Nancy Naomi Natalie Nathan Nathaniel
Nicholas Nicole Nikhil Noah Nora Norma Olivia Omar Oscar Owen Pablo Pamela Patricia Patrick
Paul Paula Pedro Peter Philip Phyllis Priya Rachel Rafael Ralph Ramón Randall Raquel Raúl
Ravi Raymond Rebecca Regina Renee Renée Ricardo Richard Rita Robert Roberta Robin Rodney Roger
Ronald Rosa Rose Ruby Russell Ruth Ryan Sabrina Samantha Samuel Sandra Santiago Sara Sarah
Scott Sean Sergio Seth Shannon Sharon Sheila Shirley Simone Siobhan Sofia Sofía Søren Stanley
Stephanie Stephen Steven Susan Suzanne Sylvia Tamara Tanya Tara Taylor Teresa Terrence
Thomas Tiffany Timothy Tomás Tracy Travis Trevor Tyler Valentina Valerie Vanessa Veronica
Victor Victoria Vikram Vincent Virginia Walter Wanda Wayne Wendy Wesley William Xavier Yasmin
Yolanda Yusuf Zachary Zainab Zoe Zoë
"""

FAMILY = """
Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris
Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill
Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips
Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers
Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson
Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders
Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler
Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton
Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina
Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington
Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter
Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Muñoz Hunt Hicks Holmes Palmer Wagner Black
Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson
Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce
Vazquez Hansen Peters Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson
Carroll Lane Riley Andrews Alvarado Ray Delgado Berry Perkins Hoffman Johnston Matthews Peña
Richards Willis Carpenter Lawrence Sandoval Guerrero George Chapman Rios Estrada Ortega Watkins
Greene Núñez Wheeler Valdez Harper Burke Larson Santiago Maldonado Morrison Franklin Carlson
Austin Dominguez Carr Lawson Jacobs O'Brien O'Connor O'Neill D'Angelo Lynch Bishop Gill
Smith-Jones Garcia-Lopez Martinez-Ruiz Lewis-Clark Ng Wu Li Xu Zhang Wang Liu Singh Kaur
Okafor Adeyemi Nakamura Tanaka Suzuki Yamamoto Novak Kowalski Nowak Müller Schröder Jäger
Østergaard Ångström Dubois Lefèvre Gauthier "De La Cruz" "Van Buren" "Del Rio" "St. John"
MacDonald McKenzie Abernathy Fitzgerald Vanderbilt Castellanos Villanueva Ibarra Montoya Quintero
"""

MIDDLE = ("A B C D E F G H J K L M N P R S T W Ann Lee Marie James Lynn Michael Rose Jean "
          "Ray").split()

# Nicknames the license author may have used, formal -> short (the generator's own list).
NICKNAMES = {
    "William": ["Bill", "Will"], "Robert": ["Bob", "Rob"], "Andrew": ["Andy", "Drew"],
    "Michael": ["Mike"], "James": ["Jim", "Jimmy"], "Katherine": ["Kate", "Kathy"],
    "Elizabeth": ["Liz", "Beth"], "Thomas": ["Tom"], "Christopher": ["Chris"],
    "Jennifer": ["Jen", "Jenny"], "David": ["Dave"], "Daniel": ["Dan", "Danny"],
    "Joseph": ["Joe"], "Anthony": ["Tony"], "Susan": ["Sue"], "Margaret": ["Peggy", "Maggie"],
    "Richard": ["Rick", "Rich"], "Steven": ["Steve"], "Stephen": ["Steve"], "Matthew": ["Matt"],
    "Nicholas": ["Nick"], "Patricia": ["Pat", "Trish"], "Rebecca": ["Becky"],
    "Samuel": ["Sam"], "Alexander": ["Alex"], "Jonathan": ["Jon"], "Timothy": ["Tim"],
    "Zachary": ["Zach"], "Kimberly": ["Kim"], "Deborah": ["Deb"], "Gregory": ["Greg"],
    "Benjamin": ["Ben"], "Jacob": ["Jake"], "Joshua": ["Josh"], "Kenneth": ["Ken"],
    "Victoria": ["Vicky", "Tori"], "Catherine": ["Cathy", "Kate"], "Edward": ["Ed", "Ted"],
}

# Given names one letter apart, for "joan.smith is not john.smith" traps: rostered -> absent.
NEAR_NAMES = [
    ("John", "Joan"), ("Joan", "John"), ("Dana", "Dina"), ("Ann", "Anna"), ("Anna", "Ann"),
    ("Erin", "Eric"), ("Eric", "Erin"), ("Carl", "Carla"), ("Carla", "Carl"), ("Paul", "Paula"),
    ("Paula", "Paul"), ("Mark", "Marc"), ("Sara", "Sarah"), ("Sarah", "Sara"), ("Jon", "Jan"),
    ("Alan", "Allan"), ("Leon", "Leo"), ("Dean", "Dena"), ("Julia", "Julio"),
    ("Maria", "Mario"), ("Mario", "Maria"), ("Diane", "Diana"), ("Diana", "Diane"),
    ("Louis", "Louise"), ("Christina", "Christine"), ("Christine", "Christina"),
    ("Karen", "Karin"), ("Megan", "Meghan"), ("Ian", "Ivan"), ("Ryan", "Ryann"),
]

SHARED_MAILBOXES = [
    ("library", "Library", ""), ("office", "Main", "Office"), ("attendance", "Attendance", ""),
    ("frontdesk", "Front", "Desk"), ("counseling", "Counseling", "Office"),
    ("techsupport", "Tech", "Support"),
]
