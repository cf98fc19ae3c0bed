"""The demo catalog: well-known titles with their TMDB ids (so provider embeds resolve) and
synopses written for this project. Rows: title, year, minutes (None for series), rating,
language, genres, TMDB id, tier, average rating, people ("Name/role", first the director or
creator), synopsis. Series carry (seasons, episodes per season, episode minutes) in SERIES_SHAPE.
"""
from __future__ import annotations

MOVIES = [
    ("Interstellar", 2014, 169, "PG-13", "en", "Science Fiction|Drama|Adventure", 157336, "free", 8.4,
     "Christopher Nolan/director|Matthew McConaughey/actor|Anne Hathaway/actor|Jessica Chastain/actor",
     "As crops fail across a dying Earth, a former pilot leaves his children to lead a crew through a wormhole "
     "in search of a world humanity can move to."),
    ("The Dark Knight", 2008, 152, "PG-13", "en", "Action|Crime|Drama", 155, "free", 8.5,
     "Christopher Nolan/director|Christian Bale/actor|Heath Ledger/actor|Aaron Eckhart/actor",
     "Gotham's vigilante, its police lieutenant and a new district attorney close in on the mob, until an "
     "anarchic criminal starts forcing each of them to choose what they are willing to lose."),
    ("Inception", 2010, 148, "PG-13", "en", "Science Fiction|Action|Thriller", 27205, "free", 8.4,
     "Christopher Nolan/director|Leonardo DiCaprio/actor|Joseph Gordon-Levitt/actor|Elliot Page/actor",
     "A thief who steals secrets from inside dreams is offered his old life back if he can do the reverse: "
     "plant an idea deep enough that its owner believes it is his own."),
    ("Fight Club", 1999, 139, "R", "en", "Drama|Thriller", 550, "premium", 8.4,
     "David Fincher/director|Brad Pitt/actor|Edward Norton/actor|Helena Bonham Carter/actor",
     "An insomniac office worker and a reckless soap salesman start an underground club for bare-knuckle "
     "fights, and the club grows into something neither of them can stop."),
    ("The Matrix", 1999, 136, "R", "en", "Science Fiction|Action", 603, "free", 8.2,
     "Lana Wachowski/director|Keanu Reeves/actor|Carrie-Anne Moss/actor|Laurence Fishburne/actor",
     "A programmer who hacks at night learns that the world he knows is a simulation, and that the people "
     "who freed him expect him to fight the machines that built it."),
    ("Pulp Fiction", 1994, 154, "R", "en", "Crime|Thriller", 680, "premium", 8.5,
     "Quentin Tarantino/director|John Travolta/actor|Samuel L. Jackson/actor|Uma Thurman/actor",
     "Two hit men, a boxer who will not throw a fight and a gangster's wife cross paths over one long, "
     "out-of-order weekend in Los Angeles."),
    ("Forrest Gump", 1994, 142, "PG-13", "en", "Drama|Romance|Comedy", 13, "free", 8.5,
     "Robert Zemeckis/director|Tom Hanks/actor|Robin Wright/actor|Gary Sinise/actor",
     "A kind man from Alabama drifts through three decades of American history, always hoping to find his "
     "way back to the girl he loved as a boy."),
    ("The Shawshank Redemption", 1994, 142, "R", "en", "Drama|Crime", 278, "free", 8.7,
     "Frank Darabont/director|Tim Robbins/actor|Morgan Freeman/actor",
     "Sentenced for a murder he says he did not commit, a quiet banker spends two decades in a Maine prison, "
     "making one unlikely friend and a plan he tells no one about."),
    ("The Godfather", 1972, 175, "R", "en", "Crime|Drama", 238, "premium", 8.7,
     "Francis Ford Coppola/director|Marlon Brando/actor|Al Pacino/actor|James Caan/actor",
     "The youngest son of a New York crime family wants no part of the business, until an attempt on his "
     "father's life pulls him into its center."),
    ("Parasite", 2019, 132, "R", "ko", "Thriller|Drama|Comedy", 496243, "premium", 8.5,
     "Bong Joon-ho/director|Song Kang-ho/actor|Choi Woo-shik/actor|Park So-dam/actor",
     "One by one, the members of a struggling family talk their way into jobs in a wealthy household, and "
     "the arrangement works perfectly until a storm night reveals what the house is hiding."),
    ("Spirited Away", 2001, 125, "PG", "ja", "Animation|Family|Fantasy", 129, "free", 8.5,
     "Hayao Miyazaki/director|Rumi Hiiragi/actor|Miyu Irino/actor",
     "A sulky ten-year-old wanders into a bathhouse for spirits and must work there, under a new name, to "
     "turn her parents back from pigs."),
    ("Whiplash", 2014, 107, "R", "en", "Drama|Music", 244786, "free", 8.4,
     "Damien Chazelle/director|Miles Teller/actor|J.K. Simmons/actor",
     "A first-year jazz drummer wins a place in a conservatory's top band and a teacher who will push him "
     "to greatness or break him trying."),
    ("La La Land", 2016, 128, "PG-13", "en", "Romance|Music|Comedy", 313369, "free", 7.9,
     "Damien Chazelle/director|Ryan Gosling/actor|Emma Stone/actor",
     "A pianist with a dream of saving jazz and an actress between auditions fall in love over one year in "
     "Los Angeles, and find their ambitions pulling them apart."),
    ("Dune", 2021, 155, "PG-13", "en", "Science Fiction|Adventure", 438631, "premium", 7.8,
     "Denis Villeneuve/director|Timothée Chalamet/actor|Rebecca Ferguson/actor|Oscar Isaac/actor",
     "The heir of a noble house follows his family to the most dangerous planet in the empire, the only "
     "source of the spice every starship needs, and into a trap laid for all of them."),
    ("Mad Max: Fury Road", 2015, 120, "R", "en", "Action|Adventure|Science Fiction", 76341, "free", 7.6,
     "George Miller/director|Tom Hardy/actor|Charlize Theron/actor|Nicholas Hoult/actor",
     "In a desert wasteland, a warrior driving a war rig full of escaped captives races a tyrant's army "
     "across the sand, with a lone drifter chained to the front of a pursuing car."),
    ("Gladiator", 2000, 155, "R", "en", "Action|Drama|History", 98, "free", 8.2,
     "Ridley Scott/director|Russell Crowe/actor|Joaquin Phoenix/actor|Connie Nielsen/actor",
     "A Roman general betrayed by the emperor's son loses his family and his name, and fights his way back "
     "to Rome as a slave in the arena."),
    ("Titanic", 1997, 194, "PG-13", "en", "Romance|Drama", 597, "free", 7.9,
     "James Cameron/director|Leonardo DiCaprio/actor|Kate Winslet/actor",
     "A young woman engaged to a man she does not love meets a penniless artist on the maiden voyage of a "
     "ship everyone calls unsinkable."),
    ("Avatar", 2009, 162, "PG-13", "en", "Science Fiction|Adventure|Action", 19995, "free", 7.6,
     "James Cameron/director|Sam Worthington/actor|Zoe Saldaña/actor|Sigourney Weaver/actor",
     "A paralysed marine piloting a genetically engineered body on a distant moon comes to love the people "
     "his employers plan to move off their land."),
    ("The Lord of the Rings: The Fellowship of the Ring", 2001, 178, "PG-13", "en", "Fantasy|Adventure", 120,
     "premium", 8.4, "Peter Jackson/director|Elijah Wood/actor|Ian McKellen/actor|Viggo Mortensen/actor",
     "A hobbit inherits a plain gold ring and learns it is the weapon of a dark lord, and sets out with eight "
     "companions to destroy it in the fire where it was made."),
    ("Jurassic Park", 1993, 127, "PG-13", "en", "Adventure|Science Fiction", 329, "free", 8.0,
     "Steven Spielberg/director|Sam Neill/actor|Laura Dern/actor|Jeff Goldblum/actor",
     "Scientists invited to preview an island theme park of cloned dinosaurs are stranded when a storm and "
     "a saboteur switch off the fences."),
    ("Back to the Future", 1985, 116, "PG", "en", "Adventure|Comedy|Science Fiction", 105, "free", 8.3,
     "Robert Zemeckis/director|Michael J. Fox/actor|Christopher Lloyd/actor",
     "A teenager sent thirty years into the past in a scientist's time machine must make sure his parents "
     "fall in love, or he will never be born."),
    ("Toy Story", 1995, 81, "G", "en", "Animation|Family|Comedy", 862, "free", 8.0,
     "John Lasseter/director|Tom Hanks/actor|Tim Allen/actor",
     "A pull-string cowboy who has always been his boy's favourite toy feels replaced by a space ranger who "
     "does not know he is a toy at all."),
    ("Up", 2009, 96, "PG", "en", "Animation|Family|Adventure", 14160, "free", 8.0,
     "Pete Docter/director|Ed Asner/actor|Jordan Nagai/actor",
     "A widowed balloon seller ties thousands of balloons to his house to fly it to South America, and "
     "discovers a young scout stowed away on the porch."),
    ("Coco", 2017, 105, "PG", "en", "Animation|Family|Music", 354912, "family", 8.2,
     "Lee Unkrich/director|Anthony Gonzalez/actor|Gael García Bernal/actor",
     "A boy who wants to be a musician in a family that has banned music crosses into the Land of the Dead "
     "on the Day of the Dead to find his great-great-grandfather."),
    ("Get Out", 2017, 104, "R", "en", "Horror|Thriller", 419430, "premium", 7.6,
     "Jordan Peele/director|Daniel Kaluuya/actor|Allison Williams/actor",
     "A young photographer's weekend meeting his girlfriend's parents turns stranger with every polite "
     "conversation, until he understands why he was invited."),
    ("Arrival", 2016, 116, "PG-13", "en", "Science Fiction|Drama", 329865, "free", 7.6,
     "Denis Villeneuve/director|Amy Adams/actor|Jeremy Renner/actor",
     "When twelve alien vessels settle over the Earth, a linguist is asked to learn their language before "
     "frightened nations decide to attack."),
    ("Blade Runner 2049", 2017, 164, "R", "en", "Science Fiction|Drama", 335984, "premium", 7.5,
     "Denis Villeneuve/director|Ryan Gosling/actor|Harrison Ford/actor|Ana de Armas/actor",
     "A replicant officer who hunts his own kind finds the buried remains of a woman who died in childbirth, "
     "a discovery that could break the order his world keeps."),
    ("The Social Network", 2010, 120, "PG-13", "en", "Drama|History", 37799, "free", 7.4,
     "David Fincher/director|Jesse Eisenberg/actor|Andrew Garfield/actor",
     "Two lawsuits frame the story of a Harvard undergraduate who built a social site in his dorm room and "
     "lost his only friend along the way."),
    ("Amélie", 2001, 122, "R", "fr", "Comedy|Romance", 194, "free", 7.9,
     "Jean-Pierre Jeunet/director|Audrey Tautou/actor|Mathieu Kassovitz/actor",
     "A shy waitress in Montmartre decides to quietly improve the lives of the people around her, and nearly "
     "forgets her own."),
    ("Pan's Labyrinth", 2006, 118, "R", "es", "Fantasy|Drama|War", 1417, "premium", 7.8,
     "Guillermo del Toro/director|Ivana Baquero/actor|Sergi López/actor",
     "In Spain in 1944, the stepdaughter of a brutal army captain finds a faun in an old labyrinth who sets "
     "her three tasks."),
    ("Oldboy", 2003, 120, "R", "ko", "Thriller|Mystery", 670, "premium", 8.2,
     "Park Chan-wook/director|Choi Min-sik/actor|Yoo Ji-tae/actor",
     "Released without explanation after fifteen years locked in a room, a man has five days to learn who "
     "imprisoned him and why."),
    ("Everything Everywhere All at Once", 2022, 139, "R", "en", "Science Fiction|Comedy|Action", 545611,
     "premium", 7.8, "Daniel Kwan/director|Michelle Yeoh/actor|Ke Huy Quan/actor|Stephanie Hsu/actor",
     "A laundromat owner in the middle of a tax audit is told she is the only version of herself, across "
     "countless universes, who can stop a force unravelling all of them."),
    ("Knives Out", 2019, 130, "PG-13", "en", "Mystery|Comedy|Crime", 546554, "free", 7.8,
     "Rian Johnson/director|Daniel Craig/actor|Ana de Armas/actor|Chris Evans/actor",
     "A famous crime novelist is found dead after his birthday party, and a courtly detective suspects every "
     "member of his grasping family, and the nurse who cannot lie."),
    ("The Grand Budapest Hotel", 2014, 100, "R", "en", "Comedy|Drama", 120467, "free", 8.0,
     "Wes Anderson/director|Ralph Fiennes/actor|Tony Revolori/actor",
     "The concierge of a grand European hotel and his lobby boy are framed for a dowager's murder and chase "
     "a priceless painting across a continent on the edge of war."),
    ("Moonlight", 2016, 111, "R", "en", "Drama", 376867, "free", 7.4,
     "Barry Jenkins/director|Trevante Rhodes/actor|Mahershala Ali/actor|Naomie Harris/actor",
     "Three chapters in the life of a young man in Miami, from a bullied boy to a guarded adult, and the one "
     "friend he never stopped thinking about."),
    ("Inside Out", 2015, 95, "PG", "en", "Animation|Family|Comedy", 150540, "family", 7.9,
     "Pete Docter/director|Amy Poehler/actor|Phyllis Smith/actor",
     "Inside the mind of an eleven-year-old who has just moved cities, Joy and Sadness are lost in the maze "
     "of long-term memory while the girl falls apart."),
    ("WALL·E", 2008, 98, "G", "en", "Animation|Family|Science Fiction", 10681, "family", 8.1,
     "Andrew Stanton/director|Ben Burtt/actor|Elissa Knight/actor",
     "The last trash-compacting robot on an abandoned Earth falls for a sleek probe and follows her across "
     "the galaxy to the ship where humanity has gone soft."),
    ("Finding Nemo", 2003, 100, "G", "en", "Animation|Family|Adventure", 12, "free", 7.8,
     "Andrew Stanton/director|Albert Brooks/actor|Ellen DeGeneres/actor",
     "An anxious clownfish crosses the ocean to find his son, taken by a diver, with a cheerful fish who "
     "cannot remember anything for long."),
    ("Spider-Man: Into the Spider-Verse", 2018, 117, "PG", "en", "Animation|Action|Adventure", 324857, "free",
     8.4, "Peter Ramsey/director|Shameik Moore/actor|Hailee Steinfeld/actor|Jake Johnson/actor",
     "A Brooklyn teenager bitten by a radioactive spider meets other spider-people pulled in from parallel "
     "dimensions, and has to learn the job fast."),
    ("The Martian", 2015, 144, "PG-13", "en", "Science Fiction|Drama|Adventure", 286217, "free", 7.7,
     "Ridley Scott/director|Matt Damon/actor|Jessica Chastain/actor",
     "Left for dead on Mars after a storm, a botanist works out how to grow food and call home before his "
     "supplies run out."),
    ("Memento", 2000, 113, "R", "en", "Mystery|Thriller", 77, "premium", 8.2,
     "Christopher Nolan/director|Guy Pearce/actor|Carrie-Anne Moss/actor",
     "A man who cannot form new memories hunts his wife's killer with tattoos, notes and instant photos, "
     "told in scenes that run backwards."),
    ("The Prestige", 2006, 130, "PG-13", "en", "Drama|Mystery|Thriller", 1124, "free", 8.2,
     "Christopher Nolan/director|Hugh Jackman/actor|Christian Bale/actor",
     "Two stage magicians in Victorian London turn a rivalry over one trick into an obsession that costs "
     "them everything."),
    ("Se7en", 1995, 127, "R", "en", "Crime|Mystery|Thriller", 807, "premium", 8.4,
     "David Fincher/director|Brad Pitt/actor|Morgan Freeman/actor",
     "A detective a week from retirement and his impatient replacement track a killer who stages each "
     "murder as one of the seven deadly sins."),
    ("Goodfellas", 1990, 145, "R", "en", "Crime|Drama", 769, "premium", 8.5,
     "Martin Scorsese/director|Ray Liotta/actor|Robert De Niro/actor|Joe Pesci/actor",
     "A boy from Brooklyn who always wanted to be a gangster rises through the mob over three decades, "
     "until the life turns on him."),
    ("Saving Private Ryan", 1998, 169, "R", "en", "War|Drama|History", 857, "free", 8.2,
     "Steven Spielberg/director|Tom Hanks/actor|Matt Damon/actor",
     "After the D-Day landings, a captain leads his squad behind enemy lines to find one paratrooper whose "
     "three brothers have been killed."),
    ("The Silence of the Lambs", 1991, 118, "R", "en", "Crime|Thriller|Horror", 274, "premium", 8.3,
     "Jonathan Demme/director|Jodie Foster/actor|Anthony Hopkins/actor",
     "An FBI trainee is sent to interview an imprisoned psychiatrist who eats his victims, in the hope he "
     "will help catch another killer."),
    ("Alien", 1979, 117, "R", "en", "Horror|Science Fiction", 348, "free", 8.1,
     "Ridley Scott/director|Sigourney Weaver/actor|Tom Skerritt/actor",
     "The crew of a commercial towing ship answer a distress signal on a dead moon and bring back something "
     "that hunts them through the corridors."),
    ("Heat", 1995, 170, "R", "en", "Crime|Thriller|Action", 949, "premium", 7.9,
     "Michael Mann/director|Al Pacino/actor|Robert De Niro/actor",
     "A meticulous Los Angeles thief planning one last score and the obsessive detective chasing him find "
     "they have more in common than either likes."),
    ("No Country for Old Men", 2007, 122, "R", "en", "Crime|Thriller", 6977, "premium", 7.9,
     "Joel Coen/director|Tommy Lee Jones/actor|Javier Bardem/actor|Josh Brolin/actor",
     "A hunter who takes a case of cash from a drug deal gone wrong in west Texas is followed by a killer "
     "who cannot be reasoned with."),
    ("Top Gun: Maverick", 2022, 131, "PG-13", "en", "Action|Drama", 361743, "free", 8.2,
     "Joseph Kosinski/director|Tom Cruise/actor|Miles Teller/actor|Jennifer Connelly/actor",
     "Thirty years on, a test pilot who never took promotion is called back to train young aviators for a "
     "mission none of them expects to survive."),
    ("Oppenheimer", 2023, 180, "R", "en", "Drama|History", 872585, "premium", 8.1,
     "Christopher Nolan/director|Cillian Murphy/actor|Emily Blunt/actor|Robert Downey Jr./actor",
     "The physicist who led the Manhattan Project builds the bomb in the New Mexico desert, then faces a "
     "security hearing designed to ruin him."),
    ("Barbie", 2023, 114, "PG-13", "en", "Comedy|Fantasy|Adventure", 346698, "free", 7.0,
     "Greta Gerwig/director|Margot Robbie/actor|Ryan Gosling/actor",
     "A perfect doll in a perfect pink world starts having thoughts about death and flat feet, and travels "
     "to the real world to find out why."),
    ("The Lion King", 1994, 88, "G", "en", "Animation|Family|Drama", 8587, "free", 8.3,
     "Roger Allers/director|Matthew Broderick/actor|James Earl Jones/actor|Jeremy Irons/actor",
     "A lion cub blamed for his father's death runs from the pride lands, and must come home to face the "
     "uncle who took the throne."),
]

SERIES = [
    ("Breaking Bad", 2008, None, "TV-MA", "en", "Drama|Crime|Thriller", 1396, "premium", 8.9,
     "Vince Gilligan/creator|Bryan Cranston/actor|Aaron Paul/actor|Anna Gunn/actor",
     "A chemistry teacher with a terminal diagnosis starts cooking methamphetamine with a former student to "
     "provide for his family, and discovers a talent for the work."),
    ("Game of Thrones", 2011, None, "TV-MA", "en", "Fantasy|Drama|Adventure", 1399, "premium", 8.4,
     "David Benioff/creator|Emilia Clarke/actor|Kit Harington/actor|Peter Dinklage/actor",
     "Noble families wage war for the Iron Throne of the Seven Kingdoms while an ancient threat gathers "
     "beyond the wall in the north."),
    ("Stranger Things", 2016, None, "TV-14", "en", "Science Fiction|Horror|Drama", 66732, "free", 8.6,
     "The Duffer Brothers/creator|Millie Bobby Brown/actor|Finn Wolfhard/actor|Winona Ryder/actor",
     "When a boy vanishes in a small Indiana town in 1983, his friends, his mother and the police chief "
     "uncover secret experiments and a girl with strange powers."),
    ("The Office", 2005, None, "TV-14", "en", "Comedy", 2316, "free", 8.6,
     "Greg Daniels/creator|Steve Carell/actor|Rainn Wilson/actor|John Krasinski/actor|Jenna Fischer/actor",
     "A documentary crew follows the staff of a mid-sized paper company's Scranton branch and their "
     "painfully eager regional manager."),
    ("Friends", 1994, None, "TV-PG", "en", "Comedy|Romance", 1668, "free", 8.4,
     "David Crane/creator|Jennifer Aniston/actor|Courteney Cox/actor|Matthew Perry/actor",
     "Six friends in their twenties share coffee, apartments and relationships in Manhattan."),
    ("The Crown", 2016, None, "TV-MA", "en", "Drama|History", 65494, "family", 8.2,
     "Peter Morgan/creator|Claire Foy/actor|Olivia Colman/actor|Matt Smith/actor",
     "The reign of Queen Elizabeth II from her wedding onward, and the private costs of a public crown."),
    ("Dark", 2017, None, "TV-MA", "de", "Science Fiction|Mystery|Drama", 70523, "premium", 8.4,
     "Baran bo Odar/creator|Louis Hofmann/actor|Lisa Vicari/actor",
     "A child's disappearance in a German town near a nuclear plant exposes four families' secrets, tangled "
     "across three generations by a passage through time."),
    ("Chernobyl", 2019, None, "TV-MA", "en", "Drama|History", 87108, "premium", 8.7,
     "Craig Mazin/creator|Jared Harris/actor|Stellan Skarsgård/actor|Emily Watson/actor",
     "The 1986 reactor explosion in Soviet Ukraine, the people who contained it, and the lies that made it "
     "possible."),
    ("The Mandalorian", 2019, None, "TV-14", "en", "Science Fiction|Adventure|Action", 82856, "family", 8.4,
     "Jon Favreau/creator|Pedro Pascal/actor|Gina Carano/actor",
     "After the fall of the Empire, a lone bounty hunter takes a job to deliver a small child, and decides "
     "to protect it instead."),
    ("Sherlock", 2010, None, "TV-14", "en", "Crime|Mystery|Drama", 19885, "free", 8.5,
     "Steven Moffat/creator|Benedict Cumberbatch/actor|Martin Freeman/actor",
     "A consulting detective in modern London solves cases with his flatmate, an army doctor back from "
     "Afghanistan."),
    ("Fleabag", 2016, None, "TV-MA", "en", "Comedy|Drama", 67070, "premium", 8.3,
     "Phoebe Waller-Bridge/creator|Phoebe Waller-Bridge/actor|Sian Clifford/actor|Andrew Scott/actor",
     "A sharp, grieving woman runs a failing café in London and tells the audience what she cannot tell "
     "anyone else."),
    ("Better Call Saul", 2015, None, "TV-MA", "en", "Drama|Crime", 60059, "premium", 8.7,
     "Vince Gilligan/creator|Bob Odenkirk/actor|Rhea Seehorn/actor|Jonathan Banks/actor",
     "Years before he became a cartel lawyer, a small-time attorney in Albuquerque tries to go straight and "
     "keeps finding shortcuts."),
    ("The Last of Us", 2023, None, "TV-MA", "en", "Drama|Science Fiction|Adventure", 100088, "premium", 8.6,
     "Craig Mazin/creator|Pedro Pascal/actor|Bella Ramsey/actor",
     "Twenty years after a fungal outbreak, a hardened smuggler is hired to take a fourteen-year-old girl "
     "across a ruined United States."),
    ("Severance", 2022, None, "TV-MA", "en", "Science Fiction|Drama|Mystery", 95396, "premium", 8.4,
     "Dan Erickson/creator|Adam Scott/actor|Britt Lower/actor|Patricia Arquette/actor",
     "Office workers at a biotech company have had their work memories surgically split from their home "
     "lives, and one of them starts asking what they do all day."),
    ("Succession", 2018, None, "TV-MA", "en", "Drama|Comedy", 76331, "premium", 8.4,
     "Jesse Armstrong/creator|Brian Cox/actor|Jeremy Strong/actor|Sarah Snook/actor",
     "The ageing founder of a media empire toys with which of his four children should take over, and they "
     "tear at one another for the chance."),
    ("Ted Lasso", 2020, None, "TV-MA", "en", "Comedy|Drama", 97546, "free", 8.4,
     "Jason Sudeikis/creator|Jason Sudeikis/actor|Hannah Waddingham/actor|Brett Goldstein/actor",
     "An American college football coach is hired to manage a struggling English soccer club by an owner "
     "who wants him to fail."),
    ("Arcane", 2021, None, "TV-14", "en", "Animation|Action|Fantasy", 94605, "free", 8.7,
     "Christian Linke/creator|Hailee Steinfeld/actor|Ella Purnell/actor|Kevin Alexander/actor",
     "Two orphaned sisters from the undercity end up on opposite sides of a war between their home and the "
     "gleaming city above it."),
    ("The Bear", 2022, None, "TV-MA", "en", "Drama|Comedy", 136315, "premium", 8.1,
     "Christopher Storer/creator|Jeremy Allen White/actor|Ayo Edebiri/actor|Ebon Moss-Bachrach/actor",
     "A fine-dining chef comes home to Chicago to run his late brother's chaotic sandwich shop and its staff."),
    ("Band of Brothers", 2001, None, "TV-MA", "en", "War|Drama|History", 4613, "free", 8.6,
     "Tom Hanks/producer|Damian Lewis/actor|Ron Livingston/actor",
     "One company of American paratroopers from training in Georgia through Normandy, Bastogne and the end "
     "of the war in Europe."),
    ("Bluey", 2018, None, "TV-Y", "en", "Animation|Family|Comedy", 82728, "family", 8.7,
     "Joe Brumm/creator|Dave McCormack/actor|Melanie Zanetti/actor",
     "A six-year-old Blue Heeler puppy turns everyday family life in Brisbane into inventive games with her "
     "sister and her parents."),
]

# seasons, episodes per season, minutes per episode
SERIES_SHAPE = {
    "Breaking Bad": (3, 6, 47), "Game of Thrones": (3, 6, 57), "Stranger Things": (2, 8, 51),
    "The Office": (3, 8, 22), "Friends": (3, 8, 22), "The Crown": (2, 6, 58), "Dark": (3, 5, 52),
    "Chernobyl": (1, 5, 65), "The Mandalorian": (2, 6, 38), "Sherlock": (3, 3, 88), "Fleabag": (2, 6, 27),
    "Better Call Saul": (2, 6, 46), "The Last of Us": (1, 9, 55), "Severance": (2, 6, 50), "Succession": (2, 6, 60),
    "Ted Lasso": (2, 6, 34), "Arcane": (1, 9, 40), "The Bear": (2, 6, 30), "Band of Brothers": (1, 10, 60),
    "Bluey": (2, 8, 7),
}

EPISODE_WORDS = ("Pilot", "Crossing", "Old Debts", "The Long Night", "Signals", "Lines in the Sand", "Homecoming",
                 "Smoke", "The Offer", "Ashes", "Thaw", "Open Water", "The Wager", "Aftermath", "Ground Truth",
                 "Reckoning", "Small Hours", "Leverage", "The Visit", "Glass")
