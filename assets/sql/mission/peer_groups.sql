-- Peer groups: each municipality is compared with municipalities like it, not only with the nation.
-- The grouping follows VIVE's urban areas for homelessness (domain notes): the capital, its
-- suburbs (Statistics Denmark's "Københavns omegn"), the three other large cities, then by size.
--   capital          København (101), Frederiksberg (147)
--   capital_suburbs  Albertslund, Ballerup, Brøndby, Dragør, Gentofte, Gladsaxe, Glostrup, Herlev,
--                    Hvidovre, Høje-Taastrup, Ishøj, Lyngby-Taarbæk, Rødovre, Tårnby, Vallensbæk
--   large_cities     Aarhus (751), Odense (461), Aalborg (851)
--   other_urban      other municipalities with at least 40,000 inhabitants (latest population year)
--   rural            the rest
create or replace table peer_groups as
with latest_population as (
    select municipality_code, arg_max(population, year) as population from population group by all
)
select m.municipality_code,
       case when m.municipality_code in (101, 147) then 'capital'
            when m.municipality_code in (165, 151, 153, 155, 157, 159, 161, 163, 167, 169, 183, 173, 175, 185, 187)
                then 'capital_suburbs'
            when m.municipality_code in (751, 461, 851) then 'large_cities'
            when coalesce(p.population, 0) >= 40000 then 'other_urban'
            else 'rural' end as peer_group
from municipalities m
left join latest_population p using (municipality_code)
